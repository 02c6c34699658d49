/** The codes a sale's decider refuses with: expected outcomes, each with a stable code. */
export type SaleRuleCode =
  | 'SALE_NOT_FOUND'
  | 'SALE_ALREADY_EXISTS'
  | 'NOT_SELLER'
  | 'SALE_STARTED'
  | 'SALE_CANCELLED'
  | 'SALE_CLOSED'
  | 'TOO_MANY_LOTS'
  | 'LOT_NOT_FOUND'
  | 'INVALID_SCHEDULE';

/** A command refused by the rules of a sale. */
export class SaleRuleError extends Error {
  constructor(
    readonly code: SaleRuleCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'SaleRuleError';
  }
}

/** The most lots one sale may have. */
export const MAX_LOTS = 1000;

/** Lot `n` (from 1) ends `n - 1` gaps after the first: the catalogue's plan before any extension. */
export const plannedLotEnd = (firstLotEndsAt: number, lotGapSeconds: number, lotNumber: number) =>
  firstLotEndsAt + (lotNumber - 1) * lotGapSeconds * 1000;

/**
 * When lot `n` now ends at `endsAt`, the end lot `n + 1` must have at least, to keep the gap: a
 * lot never closes before the one before it, and bidders who lose one lot have the gap to move on.
 */
export const nextLotEndAfter = (endsAt: number, lotGapSeconds: number) => endsAt + lotGapSeconds * 1000;
