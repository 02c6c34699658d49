import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { AuctionCommand } from '../../auction';
import { ProblemError } from '../../platform';
import type { AuctionReply } from '../auctionStreamFold';
import type { HandledReply } from '../commandHandler';
import type { CommandEnvelope } from '../decideBatch';
import { commandProblem } from './commandProblem';
import { idempotencyKeyOf, requestHash } from './idempotency';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The auction named by the path, lower-cased; a malformed id names no auction. */
export function auctionIdParam(req: Request): string {
  const id = String(req.params.id);
  if (!UUID.test(id))
    throw new ProblemError(404, 'AUCTION_NOT_FOUND', 'Auction not found', 'No such auction');
  return id.toLowerCase();
}

/** The envelope of a command on the auction of the path, with the request's idempotency key. */
export function envelopeFor(req: Request, action: string, command: AuctionCommand): CommandEnvelope {
  const key = idempotencyKeyOf(req);
  const auctionId = auctionIdParam(req);
  return {
    auctionId,
    userId: req.auth!.userId,
    correlationId: randomUUID(),
    idempotencyKey: key,
    requestHash: key ? requestHash(`POST /auctions/${auctionId}/${action}`, req.body) : undefined,
    command,
  };
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
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    if (locationOf) res.setHeader('Location', locationOf(reply));
    res.status(status).json(reply);
  } catch (error) {
    const problem = commandProblem(error);
    if (problem instanceof ProblemError && problem.status === 503) res.setHeader('Retry-After', '1');
    throw problem;
  }
}
