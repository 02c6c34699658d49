import type { SchemaObject } from 'ajv';

/** The events of an auction stream (`auction-<auctionId>`). Money in integer minor units. */
export interface AuctionCreated {
  auctionId: string;
  sellerId: string;
  title: string;
  description: string;
  currency: string;
  startingPrice: number;
  reservePrice: number | null;
  minIncrement: number | null;
  startsAt: string;
  endsAt: string;
  softClose: { windowSeconds: number; extensionSeconds: number } | null;
  createdAt: string;
}

export interface BidPlaced {
  bidId: string;
  bidderId: string;
  /** The price at which this bid stands. */
  amount: number;
  /** The bidder's ceiling for automatic bidding; secret to everyone but the bidder. */
  maxAmount?: number;
  auto: boolean;
  placedAt: string;
}

/**
 * The leader raised their own ceiling: not a bid, and private to them (no list, count or frame
 * shows it). The price moves only as far as a reserve the new ceiling meets, and that move is
 * recorded as the leader's automatic bid right after it.
 */
export interface MaxBidRaised {
  /** The id of the request that raised it (its reply names it as `bidId`). */
  bidId: string;
  bidderId: string;
  maxAmount: number;
  raisedAt: string;
}

export interface AuctionExtended {
  endsAt: string;
  previousEndsAt: string;
}

export interface AuctionCancelled {
  reason: string | null;
  cancelledAt: string;
}

/** The auction entered its last `withinSeconds` (planned by the scheduler, once per auction). */
export interface AuctionEndingSoon {
  endsAt: string;
  withinSeconds: number;
  noticedAt: string;
}

export type AuctionOutcome = 'sold' | 'reserve_not_met' | 'no_bids';

export interface AuctionClosed {
  outcome: AuctionOutcome;
  winnerId: string | null;
  finalPrice: number | null;
  closedAt: string;
}

export type AuctionEvent =
  | { type: 'AuctionCreated'; data: AuctionCreated }
  | { type: 'BidPlaced'; data: BidPlaced }
  | { type: 'MaxBidRaised'; data: MaxBidRaised }
  | { type: 'AuctionExtended'; data: AuctionExtended }
  | { type: 'AuctionCancelled'; data: AuctionCancelled }
  | { type: 'AuctionEndingSoon'; data: AuctionEndingSoon }
  | { type: 'AuctionClosed'; data: AuctionClosed };

export type AuctionEventType = AuctionEvent['type'];

const money = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const orNull = (schema: SchemaObject): SchemaObject => ({ ...schema, type: [schema.type, 'null'] });
const time = { type: 'string', format: 'date-time' } as const;
const id = { type: 'string', minLength: 1, maxLength: 64 } as const;

/** JSON schemas (2020-12) of the event payloads: published (OpenAPI, AsyncAPI) without their private fields. */
export const auctionEventSchemas: Record<AuctionEventType, SchemaObject> = {
  AuctionCreated: {
    type: 'object',
    properties: {
      auctionId: id,
      sellerId: id,
      title: { type: 'string' },
      description: { type: 'string' },
      currency: { type: 'string', pattern: '^[A-Z]{3}$' },
      startingPrice: money,
      reservePrice: orNull(money),
      minIncrement: orNull(money),
      startsAt: time,
      endsAt: time,
      softClose: orNull({
        type: 'object',
        properties: { windowSeconds: { type: 'integer' }, extensionSeconds: { type: 'integer' } },
        required: ['windowSeconds', 'extensionSeconds'],
      }),
      createdAt: time,
    },
    required: [
      'auctionId',
      'sellerId',
      'title',
      'description',
      'currency',
      'startingPrice',
      'reservePrice',
      'minIncrement',
      'startsAt',
      'endsAt',
      'softClose',
      'createdAt',
    ],
  },
  BidPlaced: {
    type: 'object',
    properties: {
      bidId: id,
      bidderId: id,
      amount: money,
      maxAmount: money,
      auto: { type: 'boolean' },
      placedAt: time,
    },
    required: ['bidId', 'bidderId', 'amount', 'auto', 'placedAt'],
  },
  MaxBidRaised: {
    type: 'object',
    properties: { bidId: id, bidderId: id, maxAmount: money, raisedAt: time },
    required: ['bidId', 'bidderId', 'maxAmount', 'raisedAt'],
  },
  AuctionExtended: {
    type: 'object',
    properties: { endsAt: time, previousEndsAt: time },
    required: ['endsAt', 'previousEndsAt'],
  },
  AuctionCancelled: {
    type: 'object',
    properties: { reason: { type: ['string', 'null'] }, cancelledAt: time },
    required: ['reason', 'cancelledAt'],
  },
  AuctionEndingSoon: {
    type: 'object',
    properties: { endsAt: time, withinSeconds: { type: 'integer', minimum: 1 }, noticedAt: time },
    required: ['endsAt', 'withinSeconds', 'noticedAt'],
  },
  AuctionClosed: {
    type: 'object',
    properties: {
      outcome: { type: 'string', enum: ['sold', 'reserve_not_met', 'no_bids'] },
      winnerId: orNull(id),
      finalPrice: orNull(money),
      closedAt: time,
    },
    required: ['outcome', 'winnerId', 'finalPrice', 'closedAt'],
  },
};
