import type { SchemaObject } from 'ajv';

/** The events of a user's stream (`user-<userId>`): what they watch. */
export interface AuctionWatched {
  auctionId: string;
  watchedAt: string;
}

export interface AuctionUnwatched {
  auctionId: string;
  unwatchedAt: string;
}

export type UserEvent =
  { type: 'AuctionWatched'; data: AuctionWatched } | { type: 'AuctionUnwatched'; data: AuctionUnwatched };

export type UserEventType = UserEvent['type'];

const uuid = { type: 'string', format: 'uuid' } as const;
const time = { type: 'string', format: 'date-time' } as const;

/** JSON schemas (2020-12) of the user events' payloads. */
export const userEventSchemas: Record<UserEventType, SchemaObject> = {
  AuctionWatched: {
    type: 'object',
    properties: { auctionId: uuid, watchedAt: time },
    required: ['auctionId', 'watchedAt'],
    additionalProperties: false,
  },
  AuctionUnwatched: {
    type: 'object',
    properties: { auctionId: uuid, unwatchedAt: time },
    required: ['auctionId', 'unwatchedAt'],
    additionalProperties: false,
  },
};
