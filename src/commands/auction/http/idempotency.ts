import { createHash } from 'node:crypto';
import { nameUuids, validationProblem } from '../../../platform';

/** The HTTP side of idempotency: the key header, the request's hash, the id a keyed create gets. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
// Namespace for auction ids derived from (user, Idempotency-Key): a retried create hits the same stream.
const auctionIdOf = nameUuids('6f1c3a8e-1d2b-4c5e-9f7a-0b1c2d3e4f50');

/** Headers of a command's reply. */
export const replyHeaders = {
  'Idempotent-Replayed':
    '`true` when this reply repeats the first reply to the same Idempotency-Key and body',
};

export const idempotencyKeyHeader = {
  name: 'Idempotency-Key',
  description: 'A retry with the same key and body returns the first reply and records nothing new',
  schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source },
};

/** The Idempotency-Key header's value, checked; 400 when malformed. */
export function idempotencyKeyOf(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw validationProblem([
      { field: 'header.Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
    ]);
  }
  return key;
}

/** JSON with sorted keys: the same body hashes the same whatever its key order. */
const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : value && typeof value === 'object'
      ? `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(value);

export const requestHash = (route: string, body: unknown) =>
  createHash('sha256')
    .update(`${route}\n${canonical(body)}`)
    .digest('base64url');

/** The auction id of a create with a key: the same (user, key) always names the same auction. */
export const keyedAuctionId = (userId: string, key: string) => auctionIdOf(`${userId}:${key}`);
