/**
 * The formats, given/when/then (api.md, "Formats"): sealed first and second price, and Dutch.
 * Property tests: for any sequence of sealed bids, the winner and price equal a reference
 * computed by sorting; for any Dutch schedule, the price charged is the formula at the bid's time.
 */
import fc from 'fast-check';
import {
  auctionDecider,
  decide,
  dutchPriceAt,
  evolveAll,
  toAuctionView,
  viewFor,
  type AuctionCommand,
  type AuctionEvent,
  type AuctionState,
} from '../../src/auction';
import { at, auctionCreated, iso, T0 } from '../support/auctionFixtures';
import { deciderSpec } from '../support/deciderSpec';

const given = deciderSpec(auctionDecider);
const sealedFirst = auctionCreated({ format: 'sealed_first_price', minIncrement: null });
const sealedSecond = auctionCreated({ format: 'sealed_second_price', minIncrement: null });
const dutchTerms = { floorPrice: 400, dropAmount: 100, dropEverySeconds: 60 };
const dutch = auctionCreated({ format: 'dutch', startingPrice: 1000, minIncrement: null, dutch: dutchTerms });
const bid = (bidderId: string, amount: number, seconds = 60, maxAmount?: number): AuctionCommand => ({
  type: 'PlaceBid',
  data: { bidId: `b-${bidderId}-${amount}`, autoBidId: `auto-${bidderId}`, bidderId, amount, maxAmount },
  now: at(seconds),
});
const sealed = (bidderId: string, amount: number, seconds = 60): AuctionEvent => ({
  type: 'SealedBidPlaced',
  data: { bidId: `b-${bidderId}-${amount}`, bidderId, amount, placedAt: iso(seconds) },
});
const close = (seconds = 3600): AuctionCommand => ({ type: 'CloseAuction', now: at(seconds) });
const closed = (outcome: string, winnerId: string | null, finalPrice: number | null) => [
  { type: 'AuctionClosed', data: { outcome, winnerId, finalPrice, closedAt: iso(3600) } },
];

describe('sealed bids', () => {
  it('a sealed bid is recorded as one, private event', () => {
    given([sealedFirst])
      .when(bid('ann', 1500))
      .then([sealed('ann', 1500)]);
  });

  it('may be raised, never lowered or repeated, and takes no ceiling', () => {
    given([sealedFirst, sealed('ann', 1500)])
      .when(bid('ann', 1400))
      .thenRefuses('BID_TOO_LOW');
    given([sealedFirst, sealed('ann', 1500)])
      .when(bid('ann', 1500))
      .thenRefuses('BID_TOO_LOW');
    given([sealedFirst, sealed('ann', 1500)])
      .when(bid('ann', 1600, 90))
      .then([sealed('ann', 1600, 90)]);
    given([sealedFirst])
      .when(bid('ann', 1500, 60, 3000))
      .thenRefuses('PROXY_NOT_ALLOWED');
  });

  it('is at least the starting price, whatever others bid (nothing of theirs shows in the refusal)', () => {
    given([sealedFirst, sealed('bob', 9000)])
      .when(bid('ann', 999))
      .thenRefuses('BID_TOO_LOW');
    given([sealedFirst, sealed('bob', 9000)])
      .when(bid('ann', 1000))
      .then([sealed('ann', 1000)]);
  });

  it('first price: the highest wins and pays their own amount; the earlier wins a tie', () => {
    given([sealedFirst, sealed('ann', 1500, 10), sealed('bob', 2000, 20), sealed('cat', 2000, 30)])
      .when(close())
      .then(closed('sold', 'bob', 2000) as AuctionEvent[]);
  });

  it('second price: the winner pays the second-highest distinct bidder, at least the start and reserve', () => {
    given([sealedSecond, sealed('ann', 1500), sealed('bob', 2000), sealed('bob', 2500, 90)])
      .when(close())
      .then(closed('sold', 'bob', 1500) as AuctionEvent[]);
    given([sealedSecond, sealed('bob', 2000)])
      .when(close())
      .then(closed('sold', 'bob', 1000) as AuctionEvent[]);
    const withReserve = auctionCreated({
      format: 'sealed_second_price',
      minIncrement: null,
      reservePrice: 1800,
    });
    given([withReserve, sealed('ann', 1500), sealed('bob', 2000)])
      .when(close())
      .then(closed('sold', 'bob', 1800) as AuctionEvent[]);
    given([withReserve, sealed('ann', 1500), sealed('bob', 1700)])
      .when(close())
      .then(closed('reserve_not_met', null, null) as AuctionEvent[]);
  });

  it('no bids: no_bids; no soft close; no buy it now', () => {
    given([sealedFirst])
      .when(close())
      .then(closed('no_bids', null, null) as AuctionEvent[]);
    const softClose = { windowSeconds: 60, extensionSeconds: 60 };
    given([])
      .when({
        type: 'CreateAuction',
        data: { ...(sealedFirst.data as object), softClose } as never,
        now: at(0),
      })
      .thenRefuses('INVALID_SCHEDULE');
    given([sealedFirst])
      .when(bid('ann', 1500, 3590))
      .then([sealed('ann', 1500, 3590)]); // not extended
    given([sealedFirst])
      .when({ type: 'BuyNow', data: { bidId: 'x', buyerId: 'ann' }, now: at(60) })
      .thenRefuses('BUY_NOW_UNAVAILABLE');
  });

  it('until the close nobody sees an amount or a bidder, the seller included; bidCount only', () => {
    const state = evolveAll([sealedFirst, sealed('ann', 1500), sealed('bob', 2500)]);
    const view = toAuctionView(state!, 2, at(120).getTime());
    for (const viewer of [undefined, 'seller', 'ann', 'bob', 'eve']) {
      const seen = viewFor(view, viewer);
      expect(seen).toMatchObject({ format: 'sealed_first_price', currentPrice: 1000, leadingBidderId: null });
      expect(seen).toMatchObject({ bidCount: 2, reserveMet: null, myMaxAmount: null, minimumBid: 1000 });
      expect(JSON.stringify(seen)).not.toMatch(/1500|2500|"ann"|"bob"/);
    }
    const after = evolveAll(decide(close(), state), state);
    expect(toAuctionView(after!, 3, at(3600).getTime())).toMatchObject({
      status: 'closed',
      currentPrice: 2500,
      leadingBidderId: 'bob',
      winnerId: 'bob',
      finalPrice: 2500,
    });
  });
});

describe('Dutch', () => {
  it('the price falls by the drop each period, to the floor, from the server clock', () => {
    const state = evolveAll([dutch])!;
    expect([0, 59, 60, 119, 120, 360, 3000].map((s) => dutchPriceAt(state, at(s).getTime()))).toEqual([
      1000, 1000, 900, 900, 800, 400, 400,
    ]);
    expect(toAuctionView(state, 0, at(125).getTime())).toMatchObject({ currentPrice: 800, minimumBid: 800 });
  });

  it('the first bid at or above the price wins at the price, and closes at once', () => {
    given([dutch])
      .when(bid('ann', 950, 70))
      .then([
        {
          type: 'BidPlaced',
          data: { bidId: 'b-ann-950', bidderId: 'ann', amount: 900, auto: false, placedAt: iso(70) },
        },
        {
          type: 'AuctionClosed',
          data: { outcome: 'sold', winnerId: 'ann', finalPrice: 900, closedAt: iso(70) },
        },
      ]);
  });

  it('a bid below the price is too low; a second buyer finds it closed', () => {
    given([dutch])
      .when(bid('ann', 899, 70))
      .thenRefuses('BID_TOO_LOW');
    const taken = decide(bid('ann', 900, 70), evolveAll([dutch]));
    given([dutch, ...taken])
      .when(bid('bob', 900, 70))
      .thenRefuses('AUCTION_NOT_OPEN');
  });

  it('ends once the floor has stood a drop period, or at its end if sooner; then no_bids', () => {
    const create = (endSeconds: number): AuctionCommand => ({
      type: 'CreateAuction',
      data: { ...(dutch.data as object), endsAt: iso(endSeconds) } as never,
      now: at(0),
    });
    // 1000 -> 400 in 6 drops of 60 s: the floor from 360 s, held until 420 s.
    expect(decide(create(3600), null)[0]!.data).toMatchObject({ endsAt: iso(420) });
    expect(decide(create(200), null)[0]!.data).toMatchObject({ endsAt: iso(200) });
    given([auctionCreated({ ...(dutch.data as object), endsAt: iso(420) })])
      .when(close(420))
      .then([
        {
          type: 'AuctionClosed',
          data: { outcome: 'no_bids', winnerId: null, finalPrice: null, closedAt: iso(420) },
        },
      ]);
  });

  it('its terms are checked: required, a floor at most the start, no reserve, no proxy', () => {
    const create = (data: object): AuctionCommand => ({
      type: 'CreateAuction',
      data: { ...(dutch.data as object), ...data } as never,
      now: at(0),
    });
    expect(() => decide(create({ dutch: undefined }), null)).toThrow(
      expect.objectContaining({ code: 'INVALID_SCHEDULE' }) as Error,
    );
    expect(() => decide(create({ dutch: { ...dutchTerms, floorPrice: 1001 } }), null)).toThrow(/floorPrice/);
    expect(() => decide(create({ reservePrice: 500 }), null)).toThrow(/reservePrice/);
    given([dutch])
      .when(bid('ann', 1000, 10, 2000))
      .thenRefuses('PROXY_NOT_ALLOWED');
  });
});

describe('properties', () => {
  const bidders = ['ann', 'bob', 'cat', 'dan', 'eve'];
  const sealedBid = fc.record({
    bidder: fc.constantFrom(...bidders),
    amount: fc.integer({ min: 0, max: 5000 }),
    second: fc.integer({ min: 1, max: 3000 }),
  });

  it('sealed: the winner and price equal a reference computed by sorting', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sealed_first_price', 'sealed_second_price'),
        fc.option(fc.integer({ min: 1000, max: 4000 }), { nil: null }),
        fc.array(sealedBid, { maxLength: 20 }),
        (format, reservePrice, bids) => {
          let state: AuctionState = evolveAll([auctionCreated({ format, reservePrice, minIncrement: null })]);
          const accepted: Array<{ bidder: string; amount: number; order: number }> = [];
          bids
            .sort((a, b) => a.second - b.second)
            .forEach(({ bidder, amount, second }, order) => {
              try {
                state = evolveAll(decide(bid(bidder, amount, second), state), state);
                accepted.push({ bidder, amount, order });
              } catch {
                // refused: below the start, or not above the bidder's own
              }
            });
          // Reference: each bidder's highest; sort by amount desc, then by when it was sent.
          const best = new Map<string, { amount: number; order: number }>();
          for (const b of accepted) best.set(b.bidder, b); // raises only, so the last is the highest
          const ranked = [...best].sort(([, a], [, b]) => b.amount - a.amount || a.order - b.order);
          const [close3600] = decide(close(), state);
          const data = close3600!.data as {
            outcome: string;
            winnerId: string | null;
            finalPrice: number | null;
          };
          if (ranked.length === 0) return expect(data.outcome).toBe('no_bids');
          const [winner, top] = ranked[0]!;
          if (top.amount < (reservePrice ?? 0)) return expect(data.outcome).toBe('reserve_not_met');
          const price =
            format === 'sealed_first_price'
              ? top.amount
              : Math.max(ranked[1]?.[1].amount ?? 0, 1000, reservePrice ?? 0);
          expect(data).toMatchObject({ outcome: 'sold', winnerId: winner, finalPrice: price });
        },
      ),
    );
  });

  it('Dutch: the price charged equals the formula at the bid time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 0, max: 7200 * 1000 }),
        (start, floorSeed, dropAmount, dropEverySeconds, offsetMs) => {
          const floorPrice = floorSeed % (start + 1);
          const terms = { floorPrice, dropAmount, dropEverySeconds };
          const created = auctionCreated({
            format: 'dutch',
            startingPrice: start,
            minIncrement: null,
            dutch: terms,
            endsAt: iso(90 * 86400),
          });
          const state = evolveAll([created])!;
          const now = new Date(T0 + offsetMs);
          if (now.getTime() >= state.endsAt) return;
          const expected = Math.max(
            floorPrice,
            start - dropAmount * Math.floor(offsetMs / (dropEverySeconds * 1000)),
          );
          const events = decide({ ...bid('ann', start), now }, state);
          expect(events[0]).toMatchObject({ type: 'BidPlaced', data: { amount: expected } });
          expect(events[1]).toMatchObject({
            type: 'AuctionClosed',
            data: { finalPrice: expected, winnerId: 'ann' },
          });
        },
      ),
    );
  });
});
