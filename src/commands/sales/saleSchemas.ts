import type { FromSchema } from 'json-schema-to-ts';
import { formatBodyProperties, formatBodyShapes, incrementTableSchema } from '../../auction';
import { uuidSchema } from '../../platform';

/** Request and reply schemas of the sale command routes; the request types are derived from them. */
const MAX_MONEY = Number.MAX_SAFE_INTEGER;
const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const title = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } as const;
const position = { type: 'string', description: 'The log position of the last event written' } as const;

export const createSaleSchema = {
  type: 'object',
  properties: {
    title,
    description: text(5000),
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    startsAt: { type: 'string', format: 'date-time', description: 'Default: now' },
    firstLotEndsAt: { type: 'string', format: 'date-time' },
    lotGapSeconds: {
      type: 'integer',
      minimum: 0,
      maximum: 3600,
      description: "Between two lots' ends; default 60",
    },
    softClose: {
      type: 'object',
      properties: {
        windowSeconds: { type: 'integer', minimum: 1, maximum: 3600 },
        extensionSeconds: { type: 'integer', minimum: 1, maximum: 3600 },
      },
      required: ['windowSeconds', 'extensionSeconds'],
      additionalProperties: false,
    },
    increments: incrementTableSchema,
    buyersPremiumPercent: {
      type: 'number',
      minimum: 0,
      maximum: 50,
      description: 'Default 0; at most two decimals (a whole number of basis points)',
    },
    requiresApproval: { type: 'boolean', description: 'Default false' },
    mode: {
      type: 'string',
      enum: ['timed'],
      description: 'Default timed (live sales arrive with the live sale)',
    },
  },
  required: ['title', 'currency', 'firstLotEndsAt'],
  additionalProperties: false,
} as const;
export type CreateSaleBody = FromSchema<typeof createSaleSchema>;

export const addLotSchema = {
  type: 'object',
  properties: {
    title,
    description: text(5000),
    startingPrice: { type: 'integer', minimum: 0, maximum: MAX_MONEY },
    reservePrice: { type: 'integer', minimum: 0, maximum: MAX_MONEY },
    buyNowPrice: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_MONEY,
      description: 'Buy it now: anyone may buy the lot at this price while no bid stands',
    },
    ...formatBodyProperties,
  },
  required: ['title', 'startingPrice'],
  oneOf: formatBodyShapes,
  additionalProperties: false,
} as const;
export type AddLotBody = FromSchema<typeof addLotSchema>;

export const cancelSaleSchema = {
  type: 'object',
  properties: { reason: text(500) },
  additionalProperties: false,
} as const;
export type CancelSaleBody = FromSchema<typeof cancelSaleSchema>;

export const saleReplySchema = {
  type: 'object',
  properties: { saleId: uuidSchema, revision: { type: 'integer', minimum: 0 }, position },
  required: ['saleId', 'revision', 'position'],
  additionalProperties: false,
} as const;

export const lotReplySchema = {
  type: 'object',
  properties: {
    ...saleReplySchema.properties,
    lotNumber: { type: 'integer', minimum: 1 },
    auctionId: { ...uuidSchema, description: "The lot's auction: every auction route works on it" },
    endsAt: { type: 'string', format: 'date-time', description: 'Its planned end' },
  },
  required: ['saleId', 'revision', 'position', 'lotNumber', 'auctionId', 'endsAt'],
  additionalProperties: false,
} as const;
