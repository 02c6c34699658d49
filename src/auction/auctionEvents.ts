import type { SchemaObject } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';
import { bidCancelled } from './bidCancelEvents';
import { dutchTermsSchema } from './dutchPrice';
import type { Exact } from './exactType';

/** The parts every event schema is made of (the sales' events use them too). */
export const eventSchemaParts = {
  money: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  moneyOrNull: { type: ['integer', 'null'], minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  time: { type: 'string', format: 'date-time' },
  id: { type: 'string', minLength: 1, maxLength: 64 },
  format: { type: 'string', enum: ['english', 'sealed_first_price', 'sealed_second_price', 'dutch'] },
  dutchTerms: dutchTermsSchema,
} as const;
const { money, moneyOrNull, time, id, format, dutchTerms } = eventSchemaParts;

/**
 * The events of an auction stream (`auction-<auctionId>`), each a JSON schema (2020-12) and the
 * type derived from it: one source. Money in integer minor units. Published (OpenAPI, AsyncAPI)
 * without their private fields.
 */
const auctionCreated = {
  type: 'object',
  properties: {
    auctionId: id,
    sellerId: id,
    title: { type: 'string' },
    description: { type: 'string' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    startingPrice: money,
    reservePrice: moneyOrNull,
    minIncrement: moneyOrNull,
    increments: {
      type: ['array', 'null'],
      description:
        "The auction's own increment table: from each price up, its increment (absent before tables)",
      items: {
        type: 'object',
        properties: { from: money, increment: money },
        required: ['from', 'increment'],
        additionalProperties: false,
      },
    },
    startsAt: time,
    endsAt: time,
    softClose: {
      type: ['object', 'null'],
      properties: { windowSeconds: { type: 'integer' }, extensionSeconds: { type: 'integer' } },
      required: ['windowSeconds', 'extensionSeconds'],
    },
    buyNowPrice: {
      ...money,
      description:
        'Buy it now: the price at which anyone may buy the lot at once while no bid stands (absent: none)',
    },
    format: {
      ...format,
      description: 'How the auction is sold (absent: english, as every auction before formats)',
    },
    dutch: {
      ...dutchTerms,
      description:
        "A Dutch auction's falling price: from startingPrice down by dropAmount every dropEverySeconds, to floorPrice",
    },
    saleId: { ...id, description: 'The sale this auction is a lot of (absent: a standalone auction)' },
    lotNumber: { type: 'integer', minimum: 1, description: "The lot's number in its sale, from 1" },
    requiresApproval: {
      type: 'boolean',
      description: 'A lot of a sale that takes bids only from bidders its seller approved (absent: false)',
    },
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
} as const;
export type AuctionCreated = Exact<FromSchema<typeof auctionCreated>>;

const bidPlaced = {
  type: 'object',
  properties: {
    bidId: id,
    bidderId: id,
    amount: { ...money, description: 'The price at which this bid stands' },
    asked: { ...money, description: 'What the bidder bid, when it stands at another price (absent: amount)' },
    maxAmount: {
      ...money,
      description: "The bidder's ceiling for automatic bidding; secret to everyone but the bidder",
    },
    auto: { type: 'boolean' },
    placedAt: time,
  },
  required: ['bidId', 'bidderId', 'amount', 'auto', 'placedAt'],
} as const;
export type BidPlaced = Exact<FromSchema<typeof bidPlaced>>;

/**
 * The leader raised their own ceiling: not a bid, and private to them (no list, count or frame
 * shows it). The price moves only as far as a reserve the new ceiling meets, and that move is
 * recorded as the leader's automatic bid right after it. `bidId` is the request's (its reply
 * names it so).
 */
const maxBidRaised = {
  type: 'object',
  properties: { bidId: id, bidderId: id, maxAmount: money, raisedAt: time },
  required: ['bidId', 'bidderId', 'maxAmount', 'raisedAt'],
} as const;
export type MaxBidRaised = Exact<FromSchema<typeof maxBidRaised>>;

/**
 * A sealed bid (sealed first or second price): private to its bidder until the close, like a
 * ceiling (no list, frame, count but bidCount, or page shows it); every one is shown after.
 */
const sealedBidPlaced = {
  type: 'object',
  properties: { bidId: id, bidderId: id, amount: money, placedAt: time },
  required: ['bidId', 'bidderId', 'amount', 'placedAt'],
} as const;
export type SealedBidPlaced = Exact<FromSchema<typeof sealedBidPlaced>>;
export type BidCancelled = Exact<FromSchema<typeof bidCancelled>>;

const auctionExtended = {
  type: 'object',
  properties: {
    endsAt: time,
    previousEndsAt: time,
    reason: {
      type: 'string',
      enum: ['soft_close', 'previous_lot_extended'],
      description:
        'soft_close (also when absent): a late bid; previous_lot_extended: the lot before it in its sale ends later, and this lot keeps the gap',
    },
  },
  required: ['endsAt', 'previousEndsAt'],
} as const;
export type AuctionExtended = Exact<FromSchema<typeof auctionExtended>>;

const auctionCancelled = {
  type: 'object',
  properties: { reason: { type: ['string', 'null'] }, cancelledAt: time },
  required: ['reason', 'cancelledAt'],
} as const;
export type AuctionCancelled = Exact<FromSchema<typeof auctionCancelled>>;

/** The auction entered its last `withinSeconds` (planned by the scheduler, once per auction). */
const auctionEndingSoon = {
  type: 'object',
  properties: { endsAt: time, withinSeconds: { type: 'integer', minimum: 1 }, noticedAt: time },
  required: ['endsAt', 'withinSeconds', 'noticedAt'],
} as const;
export type AuctionEndingSoon = Exact<FromSchema<typeof auctionEndingSoon>>;

const auctionClosed = {
  type: 'object',
  properties: {
    outcome: { type: 'string', enum: ['sold', 'reserve_not_met', 'no_bids'] },
    winnerId: { ...id, type: ['string', 'null'] },
    finalPrice: moneyOrNull,
    closedAt: time,
  },
  required: ['outcome', 'winnerId', 'finalPrice', 'closedAt'],
} as const;
export type AuctionClosed = Exact<FromSchema<typeof auctionClosed>>;
export type AuctionOutcome = AuctionClosed['outcome'];

/**
 * Bought at its buy-it-now price while no bid stood: the buyer wins at that price, and the
 * AuctionClosed (sold) that follows in the same append closes it. `bidId` is the request's.
 */
const auctionBoughtNow = {
  type: 'object',
  properties: { bidId: id, buyerId: id, price: money, boughtAt: time },
  required: ['bidId', 'buyerId', 'price', 'boughtAt'],
} as const;
export type AuctionBoughtNow = Exact<FromSchema<typeof auctionBoughtNow>>;

/**
 * A photo of the lot, added by its seller. The image itself is kept outside the log (a blob
 * store, under `photoId`), decoded, checked and stripped of its metadata before this is written.
 */
const photoAdded = {
  type: 'object',
  properties: {
    photoId: id,
    contentType: { type: 'string', enum: ['image/jpeg', 'image/png', 'image/webp'] },
    width: { type: 'integer', minimum: 1 },
    height: { type: 'integer', minimum: 1 },
    bytes: { type: 'integer', minimum: 1 },
    addedAt: time,
  },
  required: ['photoId', 'contentType', 'width', 'height', 'bytes', 'addedAt'],
} as const;
export type PhotoAdded = Exact<FromSchema<typeof photoAdded>>;

const photoRemoved = {
  type: 'object',
  properties: { photoId: id, removedAt: time },
  required: ['photoId', 'removedAt'],
} as const;
export type PhotoRemoved = Exact<FromSchema<typeof photoRemoved>>;

export type AuctionEvent =
  | { type: 'AuctionCreated'; data: AuctionCreated }
  | { type: 'BidPlaced'; data: BidPlaced }
  | { type: 'MaxBidRaised'; data: MaxBidRaised }
  | { type: 'SealedBidPlaced'; data: SealedBidPlaced }
  | { type: 'BidCancelled'; data: BidCancelled }
  | { type: 'AuctionExtended'; data: AuctionExtended }
  | { type: 'AuctionCancelled'; data: AuctionCancelled }
  | { type: 'AuctionEndingSoon'; data: AuctionEndingSoon }
  | { type: 'AuctionClosed'; data: AuctionClosed }
  | { type: 'AuctionBoughtNow'; data: AuctionBoughtNow }
  | { type: 'PhotoAdded'; data: PhotoAdded }
  | { type: 'PhotoRemoved'; data: PhotoRemoved };

export type AuctionEventType = AuctionEvent['type'];

/** The JSON schema of each event's payload, by type. */
export const auctionEventSchemas: Record<AuctionEventType, SchemaObject> = {
  AuctionCreated: auctionCreated,
  BidPlaced: bidPlaced,
  MaxBidRaised: maxBidRaised,
  SealedBidPlaced: sealedBidPlaced,
  BidCancelled: bidCancelled,
  AuctionExtended: auctionExtended,
  AuctionCancelled: auctionCancelled,
  AuctionEndingSoon: auctionEndingSoon,
  AuctionClosed: auctionClosed,
  AuctionBoughtNow: auctionBoughtNow,
  PhotoAdded: photoAdded,
  PhotoRemoved: photoRemoved,
};
