import type { SchemaObject } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';
import { eventSchemaParts, incrementTableSchema } from '../auction';

const { money, moneyOrNull, time, id, format, dutchTerms } = eventSchemaParts;

/** A sale's soft close, for all its lots: a bid in the last `windowSeconds` extends that lot. */
export const saleSoftCloseSchema = {
  type: ['object', 'null'],
  properties: {
    windowSeconds: { type: 'integer', minimum: 1 },
    extensionSeconds: { type: 'integer', minimum: 1 },
  },
  required: ['windowSeconds', 'extensionSeconds'],
  additionalProperties: false,
} as const;

/**
 * The events of a sale's stream (`sale-<saleId>`): a catalogue of lots that close in turn. Each
 * is a JSON schema (2020-12) and the type derived from it: one source. A lot is an auction of its
 * own stream; the sale records which lots it has and how each ended.
 */
const saleCreated = {
  type: 'object',
  properties: {
    saleId: id,
    sellerId: id,
    title: { type: 'string' },
    description: { type: 'string' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    startsAt: time,
    firstLotEndsAt: time,
    lotGapSeconds: { type: 'integer', minimum: 0, maximum: 3600 },
    softClose: saleSoftCloseSchema,
    increments: { anyOf: [incrementTableSchema, { type: 'null' }] },
    buyersPremiumPercent: { type: 'number', minimum: 0, maximum: 50 },
    requiresApproval: { type: 'boolean' },
    mode: { type: 'string', enum: ['timed'] },
    createdAt: time,
  },
  required: [
    'saleId',
    'sellerId',
    'title',
    'description',
    'currency',
    'startsAt',
    'firstLotEndsAt',
    'lotGapSeconds',
    'softClose',
    'increments',
    'buyersPremiumPercent',
    'requiresApproval',
    'mode',
    'createdAt',
  ],
  additionalProperties: false,
} as const;
export type SaleCreated = FromSchema<typeof saleCreated>;

const lotAdded = {
  type: 'object',
  properties: {
    lotNumber: { type: 'integer', minimum: 1 },
    auctionId: id,
    title: { type: 'string' },
    description: { type: 'string' },
    startingPrice: money,
    reservePrice: moneyOrNull,
    buyNowPrice: { ...money, description: "The lot's buy-it-now price (absent: none)" },
    format: { ...format, description: "The lot's format (absent: english)" },
    dutch: { ...dutchTerms, description: "A Dutch lot's falling price" },
    endsAt: { ...time, description: 'The end the lot was planned with (later lots may be pushed on)' },
    idempotencyKey: { type: 'string', description: 'The request that added it: a retry adds nothing' },
    addedAt: time,
  },
  required: [
    'lotNumber',
    'auctionId',
    'title',
    'description',
    'startingPrice',
    'reservePrice',
    'endsAt',
    'addedAt',
  ],
  additionalProperties: false,
} as const;
export type LotAdded = FromSchema<typeof lotAdded>;

const lotClosed = {
  type: 'object',
  properties: {
    lotNumber: { type: 'integer', minimum: 1 },
    auctionId: id,
    outcome: { type: 'string', enum: ['sold', 'reserve_not_met', 'no_bids', 'cancelled'] },
    finalPrice: moneyOrNull,
    closedAt: time,
  },
  required: ['lotNumber', 'auctionId', 'outcome', 'finalPrice', 'closedAt'],
  additionalProperties: false,
} as const;
export type LotClosed = FromSchema<typeof lotClosed>;

const saleCancelled = {
  type: 'object',
  properties: { reason: { type: ['string', 'null'] }, cancelledAt: time },
  required: ['reason', 'cancelledAt'],
  additionalProperties: false,
} as const;
export type SaleCancelled = FromSchema<typeof saleCancelled>;

const saleClosed = {
  type: 'object',
  properties: { lotsSold: { type: 'integer', minimum: 0 }, hammerTotal: money, closedAt: time },
  required: ['lotsSold', 'hammerTotal', 'closedAt'],
  additionalProperties: false,
} as const;
export type SaleClosed = FromSchema<typeof saleClosed>;

export type SaleEvent =
  | { type: 'SaleCreated'; data: SaleCreated }
  | { type: 'LotAdded'; data: LotAdded }
  | { type: 'LotClosed'; data: LotClosed }
  | { type: 'SaleCancelled'; data: SaleCancelled }
  | { type: 'SaleClosed'; data: SaleClosed };

export type SaleEventType = SaleEvent['type'];

/** JSON schemas (2020-12) of the sale events' payloads: what the write side records, every reader applies. */
export const saleEventSchemas: Record<SaleEventType, SchemaObject> = {
  SaleCreated: saleCreated,
  LotAdded: lotAdded,
  LotClosed: lotClosed,
  SaleCancelled: saleCancelled,
  SaleClosed: saleClosed,
};

export const isSaleEventType = (type: string): type is SaleEventType => type in saleEventSchemas;
