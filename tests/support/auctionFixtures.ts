import type { AuctionCreated, AuctionEvent } from '../../src/auction';

/** A fixed clock for the pure domain's specifications: T0 and seconds after it. */
export const T0 = Date.parse('2026-01-01T10:00:00.000Z');
export const at = (seconds: number) => new Date(T0 + seconds * 1000);
export const iso = (seconds: number) => at(seconds).toISOString();

/** The AuctionCreated of auction a1: an hour from T0, starting price 1000, increment 100. */
export const auctionCreated = (overrides: Partial<AuctionCreated> = {}): AuctionEvent => ({
  type: 'AuctionCreated',
  data: {
    auctionId: 'a1',
    sellerId: 'seller',
    title: 'Lamp',
    description: '',
    currency: 'EUR',
    startingPrice: 1000,
    reservePrice: null,
    minIncrement: 100,
    startsAt: iso(0),
    endsAt: iso(3600),
    softClose: null,
    createdAt: iso(0),
    ...overrides,
  },
});
