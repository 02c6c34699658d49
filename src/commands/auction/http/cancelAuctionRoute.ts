import type { Request, Response } from 'express';
import type { RouteSpec } from '../../../platform';
import type { CommandHandler } from '../commandHandler';
import { envelopeFor, sendReply } from './commandEnvelope';
import { cancelAuctionSchema, commandReplySchema, type CancelAuctionBody } from './commandSchemas';
import { replyHeaders } from './idempotency';

export const cancelAuctionSpec = {
  method: 'post',
  path: '/auctions/:id/cancel',
  operationId: 'cancelAuction',
  summary: 'Cancel an auction that has no bids (seller only)',
  description: 'Cancels an auction that has no bids yet; only its seller may.',
  body: cancelAuctionSchema,
  responses: { 200: { description: 'Cancelled', schema: commandReplySchema, headers: replyHeaders } },
  problems: {
    403: ['NOT_SELLER'],
    404: ['AUCTION_NOT_FOUND'],
    422: ['AUCTION_HAS_BIDS', 'AUCTION_NOT_OPEN', 'IDEMPOTENCY_KEY_REUSED'],
    503: ['BUSY'],
  },
} satisfies Omit<RouteSpec, 'tag'>;

/** POST /auctions/:id/cancel: only the seller, only while there are no bids (the decider says). */
export const cancelAuction =
  (handler: CommandHandler, clock: () => Date) => async (req: Request, res: Response) => {
    const body = req.body as CancelAuctionBody;
    const envelope = envelopeFor(req, 'cancel', {
      type: 'CancelAuction',
      now: clock(),
      data: { userId: req.auth!.userId, ...(body.reason ? { reason: body.reason } : {}) },
    });
    await sendReply(res, 200, () => handler.handle(envelope));
  };
