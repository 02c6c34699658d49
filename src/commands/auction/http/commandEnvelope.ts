import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { AuctionCommand } from '../../../auction';
import { ProblemError } from '../../../platform';
import type { AuctionReply } from '../auctionStreamFold';
import type { HandledReply } from '../commandHandler';
import type { CommandEnvelope } from '../decideBatch';
import { commandProblem } from './commandProblem';
import { idempotencyKeyOf, requestHash } from './idempotency';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

/** The auction named by the path, lower-cased; a malformed id names no auction. */
export function auctionIdParam(req: Request): string {
  const id = String(req.params.id);
  if (!UUID.test(id))
    throw new ProblemError(404, 'AUCTION_NOT_FOUND', 'Auction not found', 'No such auction');
  return id.toLowerCase();
}

/** The envelope of a command on the auction of the path, with the request's idempotency key. */
export function envelopeFor(req: Request, action: string, command: AuctionCommand): CommandEnvelope {
  return commandEnvelope({
    auctionId: auctionIdParam(req),
    userId: req.auth!.userId,
    idempotencyKey: idempotencyKeyOf(req.get('Idempotency-Key')),
    action,
    body: req.body,
    command,
  });
}

/** The envelope of a command on an auction, whichever path the request came by. */
export function commandEnvelope(parts: {
  auctionId: string;
  userId: string;
  idempotencyKey: string | undefined;
  /** The last segment of the command's path (`bids`), for the request's hash. */
  action: string;
  body: unknown;
  command: AuctionCommand;
}): CommandEnvelope {
  const { auctionId, idempotencyKey: key } = parts;
  return {
    auctionId,
    userId: parts.userId,
    correlationId: randomUUID(),
    idempotencyKey: key,
    requestHash: key ? requestHash(`POST /auctions/${auctionId}/${parts.action}`, parts.body) : undefined,
    command: parts.command,
  };
}

/** The reply's headers: `Location` when `locationOf` names the resource, `Idempotent-Replayed` on a repeat. */
export function replyHeaderValues(
  replayed: boolean | undefined,
  reply: AuctionReply,
  locationOf?: (reply: AuctionReply) => string,
): Record<string, string> {
  const headers: Record<string, string> = {};
  if (replayed) headers['Idempotent-Replayed'] = 'true';
  if (locationOf) headers.Location = locationOf(reply);
  return headers;
}

/**
 * Runs the command and answers with its reply (with `Location` when `locationOf` names the
 * resource, `Idempotent-Replayed` when it repeats an earlier reply), or with the problem its
 * failure maps to.
 */
export async function sendReply(
  res: Response,
  status: number,
  run: () => Promise<HandledReply>,
  locationOf?: (reply: AuctionReply) => string,
) {
  try {
    const { replayed, ...reply } = await run();
    res.set(replyHeaderValues(replayed, reply, locationOf));
    res.status(status).json(reply);
  } catch (error) {
    throw commandProblem(error);
  }
}
