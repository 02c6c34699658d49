import type { Request, Response } from 'express';
import type { RouteSpec } from '../../../platform';
import { auctionIdParam } from './commandEnvelope';
import { bidReplySchema, placeBidSchema, type PlaceBidBody } from './commandSchemas';
import type { PlaceBid } from './placeBid';
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
    403: ['ACCOUNT_SUSPENDED', 'BIDDER_BLOCKED', 'BIDDER_NOT_APPROVED'],
    404: ['AUCTION_NOT_FOUND'],
    422: ['AUCTION_NOT_OPEN', 'BID_TOO_LOW', 'SELLER_CANNOT_BID', 'IDEMPOTENCY_KEY_REUSED'],
    503: ['BUSY'],
  },
} satisfies Omit<RouteSpec, 'tag'>;

/** POST /auctions/:id/bids through express: parses, hands the bid to the pipeline, writes. */
export const placeBidRoute = (placeBid: PlaceBid) => async (req: Request, res: Response) => {
  const answer = await placeBid({
    auctionId: auctionIdParam(req),
    userId: req.auth!.userId,
    idempotencyKey: idempotencyKeyOf(req.get('Idempotency-Key')),
    body: req.body as PlaceBidBody,
  });
  if ('problem' in answer) throw answer.problem;
  res.set(answer.headers).status(201).json(answer.reply);
};
