import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ajv, jsonShapeError, unstorableFields } from '../platform';

/** Client -> server messages of the WebSocket protocol (api.md). */
export type ClientMessage =
  | { type: 'subscribe'; auctionId: string; afterRevision?: number }
  | { type: 'unsubscribe'; auctionId: string }
  | { type: 'ping' }
  | { type: 'subscribe'; channel: 'me'; after?: string }
  | { type: 'unsubscribe'; channel: 'me' }
  | { type: 'subscribe'; saleId: string; afterRevisions?: Record<string, number> }
  | { type: 'unsubscribe'; saleId: string };

export const clientMessageSchema = {
  oneOf: [
    {
      type: 'object',
      properties: {
        type: { const: 'subscribe' },
        auctionId: { type: 'string', format: 'uuid' },
        afterRevision: { type: 'integer', minimum: -1, maximum: Number.MAX_SAFE_INTEGER },
      },
      required: ['type', 'auctionId'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { type: { const: 'unsubscribe' }, auctionId: { type: 'string', format: 'uuid' } },
      required: ['type', 'auctionId'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { type: { const: 'ping' } },
      required: ['type'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        type: { const: 'subscribe' },
        channel: { const: 'me' },
        after: { type: 'string', minLength: 1, maxLength: 200 },
      },
      required: ['type', 'channel'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { type: { const: 'unsubscribe' }, channel: { const: 'me' } },
      required: ['type', 'channel'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        type: { const: 'subscribe' },
        saleId: { type: 'string', format: 'uuid' },
        afterRevisions: {
          type: 'object',
          description:
            'To resume: per lot (its auctionId) the last revision the client has; other lots start at their current view',
          propertyNames: { format: 'uuid' },
          additionalProperties: { type: 'integer', minimum: -1, maximum: Number.MAX_SAFE_INTEGER },
          maxProperties: 1000,
        },
      },
      required: ['type', 'saleId'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { type: { const: 'unsubscribe' }, saleId: { type: 'string', format: 'uuid' } },
      required: ['type', 'saleId'],
      additionalProperties: false,
    },
  ],
} as const;

const validate = ajv.compile(clientMessageSchema);

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; code: string; message: string };

/** Parses and validates one client message; never throws. */
export function parseClientMessage(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'INVALID_JSON', message: 'The message is not valid JSON' };
  }
  // The one definition of input every transport shares: no deep nesting, no name twice, storable strings.
  const [wrong] = [jsonShapeError(text, 'message') ?? unstorableFields(value, 'message')].flat();
  if (wrong) return { ok: false, code: 'VALIDATION_FAILED', message: `${wrong.field} ${wrong.message}` };
  if (!validate(value)) {
    const type = (value as { type?: unknown })?.type;
    const known = type === 'subscribe' || type === 'unsubscribe' || type === 'ping';
    return {
      ok: false,
      code: known ? 'VALIDATION_FAILED' : 'UNKNOWN_MESSAGE_TYPE',
      message: known
        ? `Invalid ${String(type)} message: auctionId must be a UUID, afterRevision an integer (or saleId a UUID with optional afterRevisions, or channel "me" with an optional after cursor), no other fields`
        : 'type must be subscribe, unsubscribe or ping',
    };
  }
  return { ok: true, message: value as ClientMessage };
}

export const errorFrame = (code: string, message: string, auctionId?: string, channel?: 'me') =>
  JSON.stringify({
    type: 'error',
    code,
    message,
    ...(auctionId ? { auctionId } : {}),
    ...(channel ? { channel } : {}),
  });

export const saleErrorFrame = (code: string, message: string, saleId: string) =>
  JSON.stringify({ type: 'error', code, message, saleId });

export const saleSubscribedFrame = (saleId: string, saleJson: string, serverTime: Date) =>
  `{"type":"subscribed","saleId":${JSON.stringify(saleId)},"sale":${saleJson},"serverTime":"${serverTime.toISOString()}"}`;

export const saleUnsubscribedFrame = (saleId: string) => JSON.stringify({ type: 'unsubscribed', saleId });

export const meSubscribedFrame = (serverTime: Date) =>
  JSON.stringify({ type: 'subscribed', channel: 'me', serverTime: serverTime.toISOString() });
export const ME_UNSUBSCRIBED_FRAME = '{"type":"unsubscribed","channel":"me"}';

export const eventFrame = (auctionId: string, eventJson: string, viewJson: string) =>
  `{"type":"auction.event","auctionId":${JSON.stringify(auctionId)},"event":${eventJson},"auction":${viewJson}}`;

export const subscribedFrame = (auctionId: string, viewJson: string, serverTime: Date) =>
  `{"type":"subscribed","auctionId":${JSON.stringify(auctionId)},"auction":${viewJson},"serverTime":"${serverTime.toISOString()}"}`;

export const unsubscribedFrame = (auctionId: string) => JSON.stringify({ type: 'unsubscribed', auctionId });

export const PONG_FRAME = '{"type":"pong"}';

/** Refuses an upgrade with a plain HTTP status. */
export const reject = (socket: Duplex, status: number, reason: string) =>
  void socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);

/** The upgrade's token: `?token=` (browsers cannot set headers) or `Authorization: Bearer`. */
export function upgradeToken(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization;
  return url.searchParams.get('token') ?? (header?.startsWith('Bearer ') ? header.slice(7) : undefined);
}
