import type { Auction } from './auctionState';

/**
 * The decider's state as the read models store it (JSON, in PostgreSQL and Redis), named and
 * versioned here. A change to `Auction` that stored states do not fit bumps the version; a read
 * model holding another version refuses to read it (rebuild it from the log:
 * `npm run projections:rebuild`) rather than fold events onto a state of another shape.
 */
export const AUCTION_STATE_VERSION = 2;

export interface StoredAuctionState extends Auction {
  stateVersion: typeof AUCTION_STATE_VERSION;
}

export class StoredStateVersionError extends Error {
  readonly code = 'STORED_STATE_VERSION';
  constructor(readonly found: unknown) {
    super(
      `A read model holds auction state version ${String(found)}; this code reads version ${AUCTION_STATE_VERSION}. Rebuild it: npm run projections:rebuild`,
    );
    this.name = 'StoredStateVersionError';
  }
}

export const toStoredState = (auction: Auction): StoredAuctionState => ({
  ...auction,
  stateVersion: AUCTION_STATE_VERSION,
});

/**
 * The state a read model stored; states written before the version was named are version 1.
 * Version 1 (before photos) is upcast here, in this one place: it had no photos.
 */
export function fromStoredState(stored: unknown): Auction {
  const version = (stored as { stateVersion?: unknown }).stateVersion ?? 1;
  if (version === 1) return { ...(stored as Omit<Auction, 'photos'>), photos: [] };
  if (version !== AUCTION_STATE_VERSION) throw new StoredStateVersionError(version);
  return stored as Auction;
}
