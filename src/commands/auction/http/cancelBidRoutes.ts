import type { Request, Response } from 'express';
import { ProblemError, uuidSchema, type RouteSpec } from '../../../platform';
import type { CancelBids } from '../cancelBids';
import { auctionIdParam, isUuid } from './commandEnvelope';
import { commandProblem } from './commandProblem';

export const cancelBidSchema = {
  type: 'object',
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' } },
  required: ['reason'],
  additionalProperties: false,
} as const;

export const retractSchema = {
  type: 'object',
  properties: { reason: { type: 'string', maxLength: 500 } },
  additionalProperties: false,
} as const;

export const cancelBidsReplySchema = {
  type: 'object',
  properties: {
    auctionId: uuidSchema,
    revision: { type: 'integer', minimum: 0 },
    position: { type: 'string', description: 'Send as X-Min-Position to read your own write' },
    bidderId: { ...uuidSchema, type: ['string', 'null'], description: 'Whose bids went' },
    cancelledBidIds: {
      type: 'array',
      items: uuidSchema,
      description: 'The bids that went with this request; empty when nothing of theirs was left (a repeat)',
    },
    currentPrice: { type: ['integer', 'null'], description: 'As recomputed from the remaining bids' },
    leadingBidderId: { ...uuidSchema, type: ['string', 'null'] },
    bidCount: { type: 'integer', minimum: 0 },
    endsAt: {
      type: 'string',
      format: 'date-time',
      description: 'The soft close recomputed from the remaining bids',
    },
  },
  required: [
    'auctionId',
    'revision',
    'position',
    'bidderId',
    'cancelledBidIds',
    'currentPrice',
    'leadingBidderId',
    'bidCount',
    'endsAt',
  ],
  additionalProperties: false,
} as const;

const reply = { 200: { description: 'The auction as it now stands', schema: cancelBidsReplySchema } };

export const cancelBidSpec = {
  method: 'post',
  path: '/auctions/:id/bids/:bidId/cancel',
  operationId: 'cancelBid',
  summary: "Cancel a bidder's bids (the seller or an admin)",
  description:
    'Cancels the bid and every other bid of its bidder on this open auction (BidCancelled): the auction then stands as if they had never been placed, its price, leader, ceilings and soft close recomputed from the remaining bids. Repeating it changes nothing (200, `cancelledBidIds` empty). The bidder may bid again unless blocked.',
  body: cancelBidSchema,
  responses: reply,
  problems: {
    403: ['NOT_SELLER'],
    404: ['AUCTION_NOT_FOUND', 'BID_NOT_FOUND'],
    422: ['AUCTION_NOT_OPEN'],
    503: ['BUSY'],
  },
} satisfies Omit<RouteSpec, 'tag'>;

export const retractSpec = {
  method: 'post',
  path: '/auctions/:id/retract',
  operationId: 'retractBids',
  summary: 'Retract your own bids on an auction',
  description:
    'Retracts all your bids on this auction while more than 12 hours remain before its end: the auction then stands as if you had never bid. Later: 422 RETRACTION_TOO_LATE. With nothing of yours left to retract: 200, `cancelledBidIds` empty.',
  body: retractSchema,
  responses: reply,
  problems: {
    404: ['AUCTION_NOT_FOUND'],
    422: ['AUCTION_NOT_OPEN', 'RETRACTION_TOO_LATE'],
    503: ['BUSY'],
  },
} satisfies Omit<RouteSpec, 'tag'>;

const run = async (res: Response, done: () => Promise<unknown>) => {
  try {
    res.status(200).json(await done());
  } catch (error) {
    throw commandProblem(error);
  }
};

/** POST /auctions/:id/bids/:bidId/cancel: the auction's seller, or an admin. */
export const cancelBidRoute = (cancelBids: CancelBids) => async (req: Request, res: Response) => {
  const auctionId = auctionIdParam(req);
  const bidId = String(req.params.bidId);
  if (!isUuid(bidId))
    throw new ProblemError(404, 'BID_NOT_FOUND', 'Bid not found', 'The auction has no such bid');
  const { userId, roles } = req.auth!;
  const { reason } = req.body as { reason: string };
  await run(res, () =>
    cancelBids(auctionId, {
      target: { bidId: bidId.toLowerCase() },
      kind: 'cancelled',
      by: { userId, role: roles.includes('admin') ? 'admin' : 'seller' },
      reason,
    }),
  );
};

/** POST /auctions/:id/retract: the caller's own bids. */
export const retractRoute = (cancelBids: CancelBids) => async (req: Request, res: Response) => {
  const auctionId = auctionIdParam(req);
  const { userId } = req.auth!;
  const { reason } = req.body as { reason?: string };
  await run(res, () =>
    cancelBids(auctionId, {
      target: { bidderId: userId },
      kind: 'retracted',
      by: { userId, role: 'bidder' },
      reason: reason ?? null,
    }),
  );
};
