import { auctionViewSchema } from '../../auction';
import { uuidSchema } from '../../platform';

/** Query and reply schemas of the read routes (published in the OpenAPI as they are validated). */
export const listAuctionsQuerySchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['scheduled', 'open', 'closed', 'cancelled'] },
    sellerId: { type: 'string', format: 'uuid' },
    sort: { type: 'string', enum: ['endingSoon', 'newest'], default: 'endingSoon' },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', minLength: 1, maxLength: 200 },
  },
  additionalProperties: false,
} as const;

export const myBidsQuerySchema = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', minLength: 1, maxLength: 200 },
  },
  additionalProperties: false,
} as const;

export const listBidsQuerySchema = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
    cursor: { type: 'string', pattern: '^[0-9]{1,15}$' },
  },
  additionalProperties: false,
} as const;

const nextCursor = { type: ['string', 'null'], description: 'Pass as cursor for the next page' } as const;

/** A page of a list: its items and the cursor of the next page. */
const pageOf = <T extends object>(item: T) =>
  ({
    type: 'object',
    properties: { items: { type: 'array', items: item }, nextCursor },
    required: ['items', 'nextCursor'],
  }) as const;

export const auctionListSchema = pageOf(auctionViewSchema);

export const bidSchema = {
  type: 'object',
  properties: {
    bidId: uuidSchema,
    bidderId: uuidSchema,
    amount: { type: 'integer' },
    auto: { type: 'boolean', description: 'Placed by proxy bidding for the bidder' },
    placedAt: { type: 'string', format: 'date-time' },
    revision: { type: 'integer' },
  },
  required: ['bidId', 'bidderId', 'amount', 'auto', 'placedAt', 'revision'],
  additionalProperties: false,
} as const;

export const bidListSchema = pageOf(bidSchema);

export const myBidsSchema = pageOf({
  type: 'object',
  properties: {
    auctionId: uuidSchema,
    title: { type: 'string' },
    currency: { type: 'string' },
    myHighestBid: { type: 'integer' },
    currentPrice: { type: ['integer', 'null'] },
    state: {
      type: 'string',
      enum: ['leading', 'outbid', 'sealed', 'won', 'lost'],
      description: 'sealed: your sealed bid stands; where it ranks is shown at the close',
    },
    endsAt: { type: 'string', format: 'date-time' },
    status: { type: 'string', enum: ['scheduled', 'open', 'closed', 'cancelled'] },
    myMaxAmount: {
      type: ['integer', 'null'],
      description: 'Your standing ceiling (proxy maximum) while you lead an open auction, else null',
    },
  },
  required: [
    'auctionId',
    'title',
    'currency',
    'myHighestBid',
    'currentPrice',
    'state',
    'endsAt',
    'status',
    'myMaxAmount',
  ],
  additionalProperties: false,
});
