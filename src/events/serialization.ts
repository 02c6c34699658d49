/** JSON for event payloads: bigint values (which JSON.stringify rejects) are written as strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Fixed-width decimal so that positions compare correctly as strings. */
export function padPosition(part: bigint | string): string {
  return String(part).padStart(20, '0');
}

export function joinPosition(high: bigint | string, low: bigint | string): string {
  return `${padPosition(high)}-${padPosition(low)}`;
}

const POSITION = /^(\d{20})-(\d{20})$/;

// What the PostgreSQL store's columns hold: a transaction id (xid8) and a position (bigint).
const MAX_XID8 = 2n ** 64n - 1n;
const MAX_BIGINT = 2n ** 63n - 1n;

/** A log position: two 20-digit parts, each within what the store can hold. */
export function isPosition(value: string): boolean {
  const match = POSITION.exec(value);
  return match !== null && BigInt(match[1]!) <= MAX_XID8 && BigInt(match[2]!) <= MAX_BIGINT;
}

export function splitPosition(position: string): [bigint, bigint] {
  const match = POSITION.exec(position);
  if (!match || !isPosition(position)) throw new InvalidPositionError(position);
  return [BigInt(match[1]!), BigInt(match[2]!)];
}

export class InvalidPositionError extends Error {
  readonly code = 'INVALID_POSITION';
  constructor(readonly position: string) {
    super(`Not a log position: ${JSON.stringify(position).slice(0, 60)}`);
  }
}
