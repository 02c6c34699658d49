/**
 * The walk that keeps a sale's gap: which lots move, and to when, after a lot is extended (near:
 * the lots about to end, stopping where the gap holds) or is over (all: the far ones too).
 */
import { evolveSaleAll, lotPushesAfter, type Sale, type SaleEvent } from '../../src/sales';

const T0 = Date.parse('2026-12-07T12:00:00.000Z');
const GAP = 10;
const sale = (lots: number): Sale =>
  evolveSaleAll([
    {
      type: 'SaleCreated',
      data: {
        saleId: 's',
        sellerId: 'seller',
        title: 'Sale',
        description: '',
        currency: 'EUR',
        startsAt: new Date(T0 - 60_000).toISOString(),
        firstLotEndsAt: new Date(T0).toISOString(),
        lotGapSeconds: GAP,
        softClose: { windowSeconds: 3, extensionSeconds: 3 },
        increments: null,
        buyersPremiumPercent: 0,
        requiresApproval: false,
        mode: 'timed',
        createdAt: new Date(T0 - 120_000).toISOString(),
      },
    },
    ...Array.from({ length: lots }, (_, i): SaleEvent => ({
      type: 'LotAdded',
      data: {
        lotNumber: i + 1,
        auctionId: `a${i + 1}`,
        title: `Lot ${i + 1}`,
        description: '',
        startingPrice: 100,
        reservePrice: null,
        endsAt: new Date(T0 + i * GAP * 1000).toISOString(),
        addedAt: new Date(T0 - 100_000).toISOString(),
      },
    })),
  ])!;

/** Ends as known: the planned ones, with some moved. */
const ends =
  (moved: Record<string, number> = {}) =>
  (auctionId: string, planned: number) =>
    moved[auctionId] ?? planned;

describe('lotPushesAfter', () => {
  it('a lot extended by 3 s moves the lots ending within the horizon by 3 s, and no further', () => {
    const pushes = lotPushesAfter(sale(20), 1, ends({ a1: T0 + 3000 }), { kind: 'near', until: T0 + 45_000 });
    expect(pushes.map((p) => [p.lotNumber, p.endsAt - T0])).toEqual([
      [2, 13_000],
      [3, 23_000],
      [4, 33_000],
      [5, 43_000],
    ]);
  });

  it('always moves the next lot, however far it is', () => {
    const pushes = lotPushesAfter(sale(3), 1, ends({ a1: T0 + 3000 }), { kind: 'near', until: T0 });
    expect(pushes.map((p) => p.lotNumber)).toEqual([2]);
  });

  it('stops at the first lot that keeps its gap: a near walk moved those after it', () => {
    const known = ends({ a1: T0 + 3000, a2: T0 + 13_000 });
    expect(lotPushesAfter(sale(20), 1, known, { kind: 'near', until: Infinity })).toEqual([]);
  });

  it('a lot over walks every lot after it, past those that keep their gap, to the far ones left behind', () => {
    const known = ends({ a1: T0 + 3000, a2: T0 + 13_000, a3: T0 + 23_000 });
    const pushes = lotPushesAfter(sale(6), 1, known, { kind: 'all', until: Infinity });
    expect(pushes.map((p) => [p.lotNumber, p.endsAt - T0])).toEqual([
      [4, 33_000],
      [5, 43_000],
      [6, 53_000],
    ]);
  });

  it('passes over lots that are over, and moves nothing for a lot past the last', () => {
    const s = sale(4);
    s.lots[1] = { ...s.lots[1]!, outcome: 'cancelled' };
    const pushes = lotPushesAfter(s, 1, ends({ a1: T0 + 15_000 }), { kind: 'all', until: Infinity });
    expect(pushes.map((p) => [p.lotNumber, p.endsAt - T0])).toEqual([
      [3, 25_000],
      [4, 35_000],
    ]);
    expect(lotPushesAfter(s, 4, ends({ a4: T0 + 99_000 }), { kind: 'all', until: Infinity })).toEqual([]);
  });

  it('a lot over moves the lots ending before the horizon; those after it wait for a later lot to end', () => {
    const known = ends({ a1: T0 + 3000 });
    const pushes = lotPushesAfter(sale(20), 1, known, { kind: 'all', until: T0 + 45_000 });
    expect(pushes.map((p) => p.lotNumber)).toEqual([2, 3, 4, 5]);
    const later = ends({ a1: T0 + 3000, a2: T0 + 13_000, a3: T0 + 23_000, a4: T0 + 33_000, a5: T0 + 43_000 });
    expect(
      lotPushesAfter(sale(20), 2, later, { kind: 'all', until: T0 + 65_000 }).map((p) => p.lotNumber),
    ).toEqual([6, 7]);
  });

  it('with no gap, lots end together and all move with the first', () => {
    const s = { ...sale(3), lotGapSeconds: 0 };
    s.lots = s.lots.map((l) => ({ ...l, endsAt: T0 }));
    const pushes = lotPushesAfter(s, 1, ends({ a1: T0 + 3000 }), { kind: 'near', until: T0 + 60_000 });
    expect(pushes.map((p) => p.endsAt - T0)).toEqual([3000, 3000]);
  });
});
