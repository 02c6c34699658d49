import type { Request, Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { validationProblem, type RouteSpec } from '../../platform';
import type { CommandHandler } from '../commandHandler';
import { envelopeFor, sendReply } from './commandEnvelope';
import { bidReplySchema, placeBidSchema, type PlaceBidBody } from './commandSchemas';
import { replyHeaders } from './idempotency';

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

/** POST /auctions/:id/bids: the bidder is the caller; a ceiling below the amount is refused. */
export const placeBid =
  (handler: CommandHandler, clock: () => Date) => async (req: Request, res: Response) => {
    const body = req.body as PlaceBidBody;
    if (body.maxAmount !== undefined && body.maxAmount < body.amount) {
      throw validationProblem([{ field: 'body.maxAmount', message: 'must be at least amount' }]);
    }
    const envelope = envelopeFor(req, 'bids', {
      type: 'PlaceBid',
      now: clock(),
      data: {
        bidId: uuidv7(),
        autoBidId: uuidv7(),
        bidderId: req.auth!.userId,
        amount: body.amount,
        ...(body.maxAmount !== undefined ? { maxAmount: body.maxAmount } : {}),
      },
    });
    // A bid is its own resource; a raise of your own ceiling (the reply with `maxAmount`) is not a
    // bid anyone can list, so it names the auction.
    await sendReply(
      res,
      201,
      () => handler.handle(envelope),
      (reply) =>
        reply.maxAmount !== undefined
          ? `/auctions/${reply.auctionId}`
          : `/auctions/${reply.auctionId}/bids/${reply.bidId}`,
    );
  };
