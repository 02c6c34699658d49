/**
 * Increment tables and the tie rule, given/when/then on the auction's decider: a table's band
 * decides the next minimum and a proxy's answer; a table must start at 0, rise, and step by at
 * least 1; equal ceilings, or a plain bid equal to a standing ceiling: the earlier leads.
 */
import {
  auctionDecider,
  evolveAll,
  incrementAt,
  incrementTableError,
  minimumBid,
  type Auction,
  type AuctionEvent,
} from '../../src/auction';
import { at, auctionCreated, iso } from '../support/auctionFixtures';
import { deciderSpec } from '../support/deciderSpec';

const given = deciderSpec(auctionDecider);
const TABLE = [
  { from: 0, increment: 50 },
  { from: 2000, increment: 200 },
  { from: 10_000, increment: 1000 },
];
const created = auctionCreated({ minIncrement: null, increments: TABLE });
const placed = (
  bidderId: string,
  amount: number,
  auto = false,
  maxAmount?: number,
  seconds = 60,
): AuctionEvent => ({
  type: 'BidPlaced',
  data: {
    bidId: `${bidderId}-${amount}`,
    bidderId,
    amount,
    ...(maxAmount ? { maxAmount } : {}),
    auto,
    placedAt: iso(seconds),
  },
});
const bid = (bidderId: string, amount: number, maxAmount?: number) => ({
  type: 'PlaceBid' as const,
  data: {
    bidId: `${bidderId}-${amount}`,
    autoBidId: `${bidderId}-auto`,
    bidderId,
    amount,
    ...(maxAmount ? { maxAmount } : {}),
  },
  now: at(60),
});

describe('an increment table', () => {
  it('gives the increment of the band the price is in', () => {
    expect([0, 1999, 2000, 9999, 10_000, 1e9].map((p) => incrementAt(p, null, TABLE))).toEqual([
      50, 50, 200, 200, 1000, 1000,
    ]);
    expect(incrementAt(500, 25, null)).toBe(25);
    expect(incrementAt(500, null, null)).toBe(50); // the ladder's
  });

  it('must start at 0, rise, and step by at least 1', () => {
    expect(incrementTableError(TABLE)).toBeUndefined();
    expect(incrementTableError([])).toMatch(/at least one band/);
    expect(incrementTableError([{ from: 100, increment: 10 }])).toMatch(/start from 0/);
    expect(
      incrementTableError([
        { from: 0, increment: 10 },
        { from: 0, increment: 20 },
      ]),
    ).toMatch(/band 1: from/);
    expect(
      incrementTableError([
        { from: 0, increment: 10 },
        { from: 500, increment: 0 },
      ]),
    ).toMatch(/band 1: increment/);
    expect(incrementTableError(Array.from({ length: 51 }, (_, i) => ({ from: i, increment: 1 })))).toMatch(
      /at most 50/,
    );
  });

  it('is refused on an auction when malformed, or given with minIncrement', () => {
    const create = (data: object) => ({
      type: 'CreateAuction' as const,
      data: { ...(auctionCreated().data as object), ...data } as never,
      now: at(0),
    });
    given([])
      .when(create({ minIncrement: 100, increments: TABLE }))
      .thenRefuses('INVALID_SCHEDULE');
    given([])
      .when(create({ minIncrement: null, increments: [{ from: 5, increment: 10 }] }))
      .thenRefuses('INVALID_SCHEDULE');
    given([])
      .when(create({ minIncrement: null, increments: [] }))
      .thenRefuses('INVALID_SCHEDULE');
  });

  it('decides the minimum bid and the proxy answer by its bands', () => {
    const state = evolveAll([created, placed('ann', 1950)]) as Auction;
    expect(minimumBid(state)).toBe(2000); // 1950 is in the 50 band
    const higher = evolveAll([created, placed('ann', 2000)]) as Auction;
    expect(minimumBid(higher)).toBe(2200); // 2000 is in the 200 band
    // Ann's ceiling of 5000 answers Ben's 2200 one step of its band above: 2400.
    const history = [created, placed('ann', 2000, false, 5000)];
    const events = auctionDecider.decide(bid('ben', 2200), evolveAll(history));
    const bids = events.map((e) => e.data as { bidderId: string; amount: number; auto: boolean });
    expect(bids.map((b) => [b.bidderId, b.amount, b.auto])).toEqual([
      ['ben', 2200, false],
      ['ann', 2400, true],
    ]);
  });
});

describe('the tie rule', () => {
  it('equal ceilings: the earlier leads, at that ceiling', () => {
    const history = [auctionCreated(), placed('ann', 1000, false, 3000)];
    const events = auctionDecider.decide(bid('ben', 1500, 3000), evolveAll(history));
    const after = evolveAll(events, evolveAll(history)) as Auction;
    expect(after.leader?.bidderId).toBe('ann');
    expect(after.currentPrice).toBe(3000);
  });

  it('a plain bid equal to a standing ceiling: the ceiling, placed earlier, leads', () => {
    const history = [auctionCreated(), placed('ann', 1000, false, 3000)];
    const events = auctionDecider.decide(bid('ben', 3000), evolveAll(history));
    const after = evolveAll(events, evolveAll(history)) as Auction;
    expect(after.leader?.bidderId).toBe('ann');
    expect(after.currentPrice).toBe(3000);
  });
});
