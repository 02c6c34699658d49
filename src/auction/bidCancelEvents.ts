/**
 * A bidder's bids on an auction cancelled (by the seller, an admin, or the suspension of their
 * account) or retracted (by the bidder): the auction stands as if they had never been placed.
 * What it then stands at was recomputed by the decider from the remaining bids (cancelRules.ts)
 * and is recorded here, so that every reader applies the same outcome without the history.
 */
const money = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const id = { type: 'string', minLength: 1, maxLength: 64 } as const;
const time = { type: 'string', format: 'date-time' } as const;

/** A bid as it stands after a cancellation (a leader's answer may be at another amount, or new). */
const standingBid = {
  type: 'object',
  properties: { bidId: id, bidderId: id, amount: money, auto: { type: 'boolean' }, placedAt: time },
  required: ['bidId', 'bidderId', 'amount', 'auto', 'placedAt'],
} as const;

export const bidCancelled = {
  type: 'object',
  properties: {
    bidderId: { ...id, description: 'Whose bids are gone' },
    bidIds: {
      type: 'array',
      items: id,
      description: "That bidder's bids that stood and are gone (their ceiling raises included)",
    },
    kind: {
      type: 'string',
      enum: ['cancelled', 'retracted'],
      description: 'cancelled: by the seller, an admin or a suspension; retracted: by the bidder',
    },
    cancelledBy: { ...id, description: 'The user who cancelled (the bidder, for a retraction)' },
    reason: { type: ['string', 'null'] },
    cancelledAt: time,
    currentPrice: { ...money, type: ['integer', 'null'] },
    leadingBidderId: { ...id, type: ['string', 'null'] },
    leaderCeiling: {
      ...money,
      type: ['integer', 'null'],
      description: "The new leader's ceiling; secret to everyone but that bidder",
    },
    bidCount: { type: 'integer', minimum: 0 },
    endsAt: time,
    removedBidIds: {
      type: 'array',
      items: id,
      description: "Every bid that no longer stands: the bidder's, and the answers other bids gave them",
    },
    placedBids: {
      type: 'array',
      items: standingBid,
      description: 'Bids that now stand at another amount, or newly (a leader answering again)',
    },
  },
  required: [
    'bidderId',
    'bidIds',
    'kind',
    'cancelledBy',
    'reason',
    'cancelledAt',
    'currentPrice',
    'leadingBidderId',
    'leaderCeiling',
    'bidCount',
    'endsAt',
    'removedBidIds',
    'placedBids',
  ],
} as const;
