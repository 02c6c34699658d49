import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { RouteSpec } from '../../../platform';
import type { BidderEligibility } from '../../../auction';
import type { CommandHandler } from '../commandHandler';
import type { EligibilityGate } from './placeBid';
import { envelopeFor, sendReply } from './commandEnvelope';
import { buyNowReplySchema, buyNowSchema } from './commandSchemas';
import { replyHeaders } from './idempotency';

export const buyNowSpec = {
  method: 'post',
  path: '/auctions/:id/buy-now',
  operationId: 'buyNow',
  summary: "Buy it now, at the auction's buy-it-now price, while no bid stands",
  description:
    'Closes the auction at once, sold to the caller at its `buyNowPrice` (AuctionBoughtNow, then AuctionClosed). Only while it is open and has no bid: a bid and a buy at the same moment are decided one after the other, and the second is refused. With an Idempotency-Key, a retry answers the first reply.',
  body: buyNowSchema,
  responses: { 200: { description: 'Bought', schema: buyNowReplySchema, headers: replyHeaders } },
  problems: {
    403: ['ACCOUNT_SUSPENDED', 'BIDDER_BLOCKED', 'BIDDER_NOT_APPROVED'],
    404: ['AUCTION_NOT_FOUND'],
    422: ['BUY_NOW_UNAVAILABLE', 'AUCTION_NOT_OPEN', 'SELLER_CANNOT_BID', 'IDEMPOTENCY_KEY_REUSED'],
    503: ['BUSY'],
  },
} satisfies Omit<RouteSpec, 'tag'>;

/** POST /auctions/:id/buy-now: the decider says whether it may be bought now. */
export const buyNow =
  (handler: CommandHandler, clock: () => Date, access?: EligibilityGate) =>
  async (req: Request, res: Response) => {
    const buyerId = req.auth!.userId;
    const handle = (eligibility?: BidderEligibility) =>
      handler.handle(
        envelopeFor(req, 'buy-now', {
          type: 'BuyNow',
          now: clock(),
          data: { bidId: randomUUID(), buyerId, ...(eligibility ? { eligibility } : {}) },
        }),
      );
    await sendReply(res, 200, () => (access ? access.withEligibility(buyerId, handle) : handle()));
  };
