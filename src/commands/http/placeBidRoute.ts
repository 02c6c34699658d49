import type { Request, Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { validationProblem, type RouteSpec } from '../../platform';
import type { CommandHandler } from '../commandHandler';
import type { AuctionReply } from '../auctionStreamFold';
import type { CommandEnvelope } from '../decideBatch';
import { auctionIdParam, commandEnvelope, sendReply } from './commandEnvelope';
import { bidReplySchema, placeBidSchema, type PlaceBidBody } from './commandSchemas';
import { idempotencyKeyOf, replyHeaders } from './idempotency';

export const placeBidSpec = {
  method: 'post',
  path: '/auctions/:id/bids',
  operationId: 'placeBid',
  summary: 'Bid, optionally with a maximum for automatic (proxy) bidding',
  description:
    'Places a bid, optionally with a ceiling (`maxAmount`) for automatic (proxy) bidding. From the current leader it only raises their own ceiling, privately: the reply then carries `maxAmount` and nobody else sees anything of it.',
  body: placeBidSchema,
  responses: {
    201: {
      description: 'Recorded',
      schema: bidReplySchema,
      headers: {
        Location: 'The bid: /auctions/{id}/bids/{bidId} (for a raise of your own ceiling, the auction)',
        ...replyHeaders,
      },
    },
  },
  problems: {
    404: ['AUCTION_NOT_FOUND'],
    422: ['AUCTION_NOT_OPEN', 'BID_TOO_LOW', 'SELLER_CANNOT_BID', 'IDEMPOTENCY_KEY_REUSED'],
    503: ['BUSY'],
  },
} satisfies Omit<RouteSpec, 'tag'>;

/** The PlaceBid command of a valid body; a ceiling below the amount is refused (400). */
export function placeBidEnvelope(parts: {
  auctionId: string;
  userId: string;
  idempotencyKey: string | undefined;
  body: PlaceBidBody;
  now: Date;
}): CommandEnvelope {
  const { body } = parts;
  if (body.maxAmount !== undefined && body.maxAmount < body.amount) {
    throw validationProblem([{ field: 'body.maxAmount', message: 'must be at least amount' }]);
  }
  return commandEnvelope({
    ...parts,
    action: 'bids',
    command: {
      type: 'PlaceBid',
      now: parts.now,
      data: {
        bidId: uuidv7(),
        autoBidId: uuidv7(),
        bidderId: parts.userId,
        amount: body.amount,
        ...(body.maxAmount !== undefined ? { maxAmount: body.maxAmount } : {}),
      },
    },
  });
}

/**
 * A bid is its own resource; a raise of your own ceiling (the reply with `maxAmount`) is not a
 * bid anyone can list, so it names the auction.
 */
export const bidLocation = (reply: AuctionReply) =>
  reply.maxAmount !== undefined
    ? `/auctions/${reply.auctionId}`
    : `/auctions/${reply.auctionId}/bids/${reply.bidId}`;

/** POST /auctions/:id/bids: the bidder is the caller. Its usual requests take placeBidFastLane. */
export const placeBid =
  (handler: CommandHandler, clock: () => Date) => async (req: Request, res: Response) => {
    const envelope = placeBidEnvelope({
      auctionId: auctionIdParam(req),
      userId: req.auth!.userId,
      idempotencyKey: idempotencyKeyOf(req.get('Idempotency-Key')),
      body: req.body as PlaceBidBody,
      now: clock(),
    });
    await sendReply(res, 201, () => handler.handle(envelope), bidLocation);
  };
