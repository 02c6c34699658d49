import type { SchemaObject } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';

const uuid = { type: 'string', format: 'uuid' } as const;
const time = { type: 'string', format: 'date-time' } as const;

/** The events of a user's stream (`user-<userId>`): the auctions and sales they watch. Schema and type, one source. */
const auctionWatched = {
  type: 'object',
  properties: { auctionId: uuid, watchedAt: time },
  required: ['auctionId', 'watchedAt'],
  additionalProperties: false,
} as const;
export type AuctionWatched = FromSchema<typeof auctionWatched>;

const auctionUnwatched = {
  type: 'object',
  properties: { auctionId: uuid, unwatchedAt: time },
  required: ['auctionId', 'unwatchedAt'],
  additionalProperties: false,
} as const;
export type AuctionUnwatched = FromSchema<typeof auctionUnwatched>;

/** Watching a sale: all its lots, those added later too. */
const saleWatched = {
  type: 'object',
  properties: { saleId: uuid, watchedAt: time },
  required: ['saleId', 'watchedAt'],
  additionalProperties: false,
} as const;
export type SaleWatched = FromSchema<typeof saleWatched>;

const saleUnwatched = {
  type: 'object',
  properties: { saleId: uuid, unwatchedAt: time },
  required: ['saleId', 'unwatchedAt'],
  additionalProperties: false,
} as const;
export type SaleUnwatched = FromSchema<typeof saleUnwatched>;

export type UserEvent =
  | { type: 'AuctionWatched'; data: AuctionWatched }
  | { type: 'AuctionUnwatched'; data: AuctionUnwatched }
  | { type: 'SaleWatched'; data: SaleWatched }
  | { type: 'SaleUnwatched'; data: SaleUnwatched };

export type UserEventType = UserEvent['type'];

/** JSON schemas (2020-12) of the user events' payloads. */
export const userEventSchemas: Record<UserEventType, SchemaObject> = {
  AuctionWatched: auctionWatched,
  AuctionUnwatched: auctionUnwatched,
  SaleWatched: saleWatched,
  SaleUnwatched: saleUnwatched,
};
