import type { AuctionCreated, AuctionEvent } from '../../src/auction';
import type { RecordedEvent } from '../../src/events';

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

/**
 * One auction's stream as the log records it, for the read side's folds: its AuctionCreated
 * (starting price 100, increment 10, open 16:00-18:00 on 2026-11-25, no reserve) at revision 0,
 * and bids after it. Positions follow revisions.
 */
export function recordedAuction(auctionId: string, recordedAt = new Date('2026-11-25T16:37:33.300Z')) {
  const recorded = (type: string, data: object, revision: number): RecordedEvent => ({
    id: `e${revision}`,
    streamId: `auction-${auctionId}`,
    revision: BigInt(revision),
    position: String(revision + 1).padStart(20, '0'),
    type,
    data,
    metadata: {} as RecordedEvent['metadata'],
    recordedAt,
  });
  const created = recorded(
    'AuctionCreated',
    {
      auctionId,
      sellerId: '01a21391-0000-7000-8000-000000000000',
      title: 'Lamp',
      description: '',
      currency: 'EUR',
      startingPrice: 100,
      reservePrice: null,
      minIncrement: 10,
      startsAt: '2026-11-25T16:00:00.000Z',
      endsAt: '2026-11-25T18:00:00.000Z',
      softClose: null,
      createdAt: '2026-11-25T16:00:00.000Z',
    },
    0,
  );
  /** A bid of `bidderId` (not automatic) at `revision`. */
  const bid = (revision: number, amount: number, placedAt: string, bidderId: string) =>
    recorded(
      'BidPlaced',
      {
        bidId: `${String(revision).padStart(8, '0')}-0000-4000-8000-000000000000`,
        bidderId,
        amount,
        auto: false,
        placedAt,
      },
      revision,
    );
  return { created, bid };
}
