import type { FromSchema } from 'json-schema-to-ts';
import { uuidSchema } from '../../../platform';
import { formatBodyProperties, formatBodyShapes, incrementTableSchema } from '../../../auction';

/** Request and reply schemas of the command routes; the request types are derived from them. */
const MAX_MONEY = Number.MAX_SAFE_INTEGER;

export const createAuctionSchema = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
    description: { type: 'string', maxLength: 5000 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    startingPrice: { type: 'integer', minimum: 0, maximum: MAX_MONEY },
    reservePrice: { type: 'integer', minimum: 0, maximum: MAX_MONEY },
    minIncrement: { type: 'integer', minimum: 1, maximum: MAX_MONEY },
    buyNowPrice: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_MONEY,
      description:
        'Buy it now: anyone may buy at this price while no bid stands (at least startingPrice and reservePrice)',
    },
    increments: incrementTableSchema,
    startsAt: { type: 'string', format: 'date-time' },
    endsAt: { type: 'string', format: 'date-time' },
    softClose: {
      type: 'object',
      properties: {
        windowSeconds: { type: 'integer', minimum: 0, maximum: 3600 },
        extensionSeconds: { type: 'integer', minimum: 1, maximum: 3600 },
      },
      required: ['windowSeconds', 'extensionSeconds'],
      additionalProperties: false,
    },
    ...formatBodyProperties,
  },
  required: ['title', 'currency', 'startingPrice', 'endsAt'],
  oneOf: formatBodyShapes,
  additionalProperties: false,
} as const;
export type CreateAuctionBody = FromSchema<typeof createAuctionSchema>;

export const placeBidSchema = {
  type: 'object',
  properties: {
    amount: { type: 'integer', minimum: 1, maximum: MAX_MONEY },
    maxAmount: { type: 'integer', minimum: 1, maximum: MAX_MONEY },
  },
  required: ['amount'],
  additionalProperties: false,
} as const;
export type PlaceBidBody = FromSchema<typeof placeBidSchema>;

export const cancelAuctionSchema = {
  type: 'object',
  properties: { reason: { type: 'string', maxLength: 500 } },
  additionalProperties: false,
} as const;
export type CancelAuctionBody = FromSchema<typeof cancelAuctionSchema>;

export const buyNowSchema = {
  type: 'object',
  description: "Nothing to send: the price is the auction's buy-it-now price",
  properties: {},
  additionalProperties: false,
} as const;

const position = { type: 'string', description: 'Send as X-Min-Position to read your own write' } as const;

export const commandReplySchema = {
  type: 'object',
  properties: { auctionId: uuidSchema, revision: { type: 'integer', minimum: 0 }, position },
  required: ['auctionId', 'revision', 'position'],
  additionalProperties: false,
} as const;

export const bidReplySchema = {
  type: 'object',
  properties: {
    ...commandReplySchema.properties,
    bidId: uuidSchema,
    amount: {
      type: 'integer',
      description: 'The price the bid stands at (for a raise of your own ceiling: the current price)',
    },
    maxAmount: {
      type: 'integer',
      description:
        'Only when you led already: your new ceiling, recorded privately (not a bid anyone else sees)',
    },
    status: {
      type: 'string',
      enum: ['leading', 'outbid', 'sealed', 'won'],
      description:
        'outbid: recorded, but a standing proxy bid outbid it at once; sealed: a sealed bid, recorded and shown to nobody else until the close; won: a Dutch auction, taken at its current price (amount) and closed',
    },
    currentPrice: { type: 'integer' },
    leadingBidderId: { ...uuidSchema, type: ['string', 'null'], description: 'null for a sealed bid' },
    endsAt: { type: 'string', format: 'date-time' },
  },
  required: [
    'bidId',
    'auctionId',
    'amount',
    'status',
    'currentPrice',
    'leadingBidderId',
    'endsAt',
    'revision',
    'position',
  ],
  additionalProperties: false,
} as const;

export const buyNowReplySchema = {
  type: 'object',
  properties: {
    ...commandReplySchema.properties,
    bidId: { ...uuidSchema, description: "The purchase's id (the request's, as a bid's)" },
    outcome: { type: 'string', enum: ['sold'] },
    winnerId: uuidSchema,
    finalPrice: { type: 'integer', minimum: 0 },
  },
  required: ['auctionId', 'revision', 'position', 'bidId', 'outcome', 'winnerId', 'finalPrice'],
  additionalProperties: false,
} as const;
