import { auctionViewSchema } from '../auction';
import { saleViewSchema } from '../sales';
import { notificationSchema } from '../read-api';
import { publicEventSchema } from '../projections';
import { uuidSchema } from '../platform';

/** Server -> client messages of the WebSocket protocol: published in docs/asyncapi.json and checked by tests. */
export const serverMessageSchemas = {
  subscribed: {
    type: 'object',
    description:
      'The auction as it stands. With afterRevision, the events after it follow, in order, before any live message.',
    properties: {
      type: { const: 'subscribed' },
      auctionId: uuidSchema,
      auction: auctionViewSchema,
      serverTime: { type: 'string', format: 'date-time', description: 'Correct countdowns by this clock' },
    },
    required: ['type', 'auctionId', 'auction', 'serverTime'],
    additionalProperties: false,
  },
  auctionEvent: {
    type: 'object',
    description:
      'One event, in revision order per auction, once the read model shows it, with the view after it.',
    properties: {
      type: { const: 'auction.event' },
      auctionId: uuidSchema,
      event: publicEventSchema,
      auction: auctionViewSchema,
    },
    required: ['type', 'auctionId', 'event', 'auction'],
    additionalProperties: false,
  },
  unsubscribed: {
    type: 'object',
    properties: { type: { const: 'unsubscribed' }, auctionId: uuidSchema },
    required: ['type', 'auctionId'],
    additionalProperties: false,
  },
  saleSubscribed: {
    type: 'object',
    description:
      "The sale as it stands. Then every auction.event of every lot (lots added later included), in revision order per lot; with afterRevisions, a lot's events after that revision first.",
    properties: {
      type: { const: 'subscribed' },
      saleId: uuidSchema,
      sale: saleViewSchema,
      serverTime: { type: 'string', format: 'date-time', description: 'Correct countdowns by this clock' },
    },
    required: ['type', 'saleId', 'sale', 'serverTime'],
    additionalProperties: false,
  },
  saleUnsubscribed: {
    type: 'object',
    properties: { type: { const: 'unsubscribed' }, saleId: uuidSchema },
    required: ['type', 'saleId'],
    additionalProperties: false,
  },
  error: {
    type: 'object',
    description: 'A message was refused; the connection stays open.',
    properties: {
      type: { const: 'error' },
      code: {
        type: 'string',
        enum: [
          'INVALID_JSON',
          'UNKNOWN_MESSAGE_TYPE',
          'VALIDATION_FAILED',
          'MESSAGE_TOO_LARGE',
          'BINARY_NOT_SUPPORTED',
          'ALREADY_SUBSCRIBED',
          'TOO_MANY_SUBSCRIPTIONS',
          'AUCTION_NOT_FOUND',
          'SALE_NOT_FOUND',
          'UNAVAILABLE',
          'RATE_LIMITED',
          'UNAUTHORIZED',
        ],
      },
      message: { type: 'string' },
      auctionId: uuidSchema,
      saleId: uuidSchema,
      channel: { const: 'me' },
    },
    required: ['type', 'code', 'message'],
    additionalProperties: false,
  },
  meSubscribed: {
    type: 'object',
    description:
      "Following the caller's own notifications. With `after`, the ones after that cursor follow, oldest first, before any live one.",
    properties: {
      type: { const: 'subscribed' },
      channel: { const: 'me' },
      serverTime: { type: 'string', format: 'date-time' },
    },
    required: ['type', 'channel', 'serverTime'],
    additionalProperties: false,
  },
  notification: {
    type: 'object',
    description:
      "One of the caller's notifications, as it happens (from any instance), each once, in the order they were made.",
    properties: { type: { const: 'notification' }, notification: notificationSchema },
    required: ['type', 'notification'],
    additionalProperties: false,
  },
  meUnsubscribed: {
    type: 'object',
    properties: { type: { const: 'unsubscribed' }, channel: { const: 'me' } },
    required: ['type', 'channel'],
    additionalProperties: false,
  },
  pong: {
    type: 'object',
    properties: { type: { const: 'pong' } },
    required: ['type'],
    additionalProperties: false,
  },
} as const;
