/**
 * Properties of the auction decider over random command sequences (fast-check): whatever
 * happens, the price never goes down, the leader holds the highest ceiling, no bid is accepted
 * outside the window, the outcome matches the reserve, an auction closes once, and folding the
 * stored events (through JSON, as the log keeps them) reproduces the state the decider saw.
 */
import fc from 'fast-check';
import {
  AuctionRuleError,
  decide,
  evolve,
  evolveAll,
  initialState,
  type Auction,
  type AuctionCommand,
  type AuctionState,
} from '../../src/auction';
import type { AuctionEvent } from '../../src/auction';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const BIDDERS = ['seller', 'ann', 'bob', 'cy', 'dee'];

const auctionArb = fc.record({
  startingPrice: fc.integer({ min: 0, max: 5000 }),
  reserveOver: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null }),
  minIncrement: fc.option(fc.integer({ min: 1, max: 500 }), { nil: null }),
  startDelay: fc.integer({ min: 0, max: 30 }),
  duration: fc.integer({ min: 10, max: 300 }),
  softClose: fc.option(
    fc.record({
      windowSeconds: fc.integer({ min: 0, max: 60 }),
      extensionSeconds: fc.integer({ min: 1, max: 60 }),
    }),
    { nil: null },
  ),
});

// Amounts are relative to the minimum bid at the time, so most bids are in play and some are too low.
const stepArb = fc.record({
  advance: fc.integer({ min: 0, max: 40 }),
  kind: fc.constantFrom('bid', 'bid', 'bid', 'bid', 'bid', 'cancel', 'close'),
  who: fc.constantFrom(...BIDDERS),
  over: fc.integer({ min: -300, max: 3000 }),
  ceilingOver: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
});

interface Run {
  states: AuctionState[];
  accepted: Array<{ command: AuctionCommand; events: AuctionEvent[]; before: Auction; now: number }>;
  events: AuctionEvent[];
}

type Of<A> = A extends fc.Arbitrary<infer T> ? T : never;

function simulate(auction: Of<typeof auctionArb>, steps: Array<Of<typeof stepArb>>): Run {
  const startsAt = T0 + auction.startDelay * 1000;
  const createdEvents = decide(
    {
      type: 'CreateAuction',
      now: new Date(T0),
      data: {
        auctionId: 'a',
        sellerId: 'seller',
        title: 'Lot',
        description: '',
        currency: 'EUR',
        startingPrice: auction.startingPrice,
        reservePrice: auction.reserveOver === null ? null : auction.startingPrice + auction.reserveOver,
        minIncrement: auction.minIncrement,
        startsAt: new Date(startsAt).toISOString(),
        endsAt: new Date(startsAt + auction.duration * 1000).toISOString(),
        softClose: auction.softClose,
      },
    },
    initialState(),
  );
  let state = evolveAll(createdEvents);
  const run: Run = { states: [state], accepted: [], events: [...createdEvents] };
  let now = T0;
  let seq = 0;
  for (const step of steps) {
    now += step.advance * 1000;
    const current = state!;
    const minimum = current.currentPrice === null ? current.startingPrice : current.currentPrice + 1;
    const amount = Math.max(1, minimum + step.over);
    const command: AuctionCommand =
      step.kind === 'bid'
        ? {
            type: 'PlaceBid',
            now: new Date(now),
            data: {
              bidId: `b${++seq}`,
              autoBidId: `b${seq}-auto`,
              bidderId: step.who,
              amount,
              ...(step.ceilingOver !== undefined ? { maxAmount: amount + step.ceilingOver } : {}),
            },
          }
        : step.kind === 'cancel'
          ? { type: 'CancelAuction', now: new Date(now), data: { userId: step.who } }
          : { type: 'CloseAuction', now: new Date(now) };
    let events: AuctionEvent[];
    try {
      events = decide(command, state);
    } catch (error) {
      if (!(error instanceof AuctionRuleError)) throw error; // only expected refusals
      run.states.push(state);
      continue;
    }
    run.accepted.push({ command, events, before: current, now });
    run.events.push(...events);
    state = evolveAll(events, state);
    run.states.push(state);
  }
  return run;
}

const property = (check: (run: Run) => void) =>
  fc.assert(
    fc.property(auctionArb, fc.array(stepArb, { minLength: 1, maxLength: 40 }), (auction, steps) => {
      check(simulate(auction, steps));
    }),
    { numRuns: 400 },
  );

describe('auction decider properties', () => {
  it('come from sequences that reach every rule (or they would prove little)', () => {
    const seen = new Set<string>();
    const samples = fc.sample(fc.tuple(auctionArb, fc.array(stepArb, { minLength: 1, maxLength: 40 })), 400);
    for (const [auction, steps] of samples) {
      for (const e of simulate(auction, steps).events) {
        seen.add(
          e.type === 'AuctionClosed'
            ? `closed:${e.data.outcome}`
            : e.type === 'BidPlaced' && e.data.auto
              ? 'auto bid'
              : e.type,
        );
      }
    }
    expect([...seen].sort()).toEqual([
      'AuctionCancelled',
      'AuctionCreated',
      'AuctionExtended',
      'BidPlaced',
      'MaxBidRaised',
      'auto bid',
      'closed:no_bids',
      'closed:reserve_not_met',
      'closed:sold',
    ]);
  });

  it('the price never goes down', () =>
    property(({ states }) => {
      for (let i = 1; i < states.length; i++) {
        const before = states[i - 1]!.currentPrice;
        const after = states[i]!.currentPrice;
        if (before !== null) expect(after).not.toBeNull();
        if (before !== null) expect(after!).toBeGreaterThanOrEqual(before);
      }
    }));

  it('the leader holds the highest ceiling, the price is within it, and the seller never leads', () =>
    property(({ states, events }) => {
      const ceilings = new Map<string, number>();
      for (const e of events) {
        if (e.type !== 'BidPlaced' && e.type !== 'MaxBidRaised') continue;
        const ceiling =
          e.type === 'MaxBidRaised'
            ? e.data.maxAmount
            : Math.max(e.data.amount, e.data.maxAmount ?? e.data.amount);
        ceilings.set(e.data.bidderId, Math.max(ceilings.get(e.data.bidderId) ?? 0, ceiling));
      }
      const last = states[states.length - 1]!;
      if (!last.leader) return expect(ceilings.size).toBe(0);
      expect(last.leader.bidderId).not.toBe('seller');
      expect(last.leader.ceiling).toBe(Math.max(...ceilings.values()));
      expect(last.currentPrice!).toBeLessThanOrEqual(last.leader.ceiling);
      for (const state of states) {
        if (state?.leader) expect(state.currentPrice!).toBeLessThanOrEqual(state.leader.ceiling);
      }
    }));

  it('accepts no bid outside the window, and none after a close or a cancel', () =>
    property(({ accepted }) => {
      for (const { command, before, now } of accepted) {
        if (command.type !== 'PlaceBid') continue;
        expect(before.status).toBe('active');
        expect(now).toBeGreaterThanOrEqual(before.startsAt);
        expect(now).toBeLessThan(before.endsAt);
      }
    }));

  it('closes once, after the end, with the outcome the reserve calls for', () =>
    property(({ accepted, events }) => {
      const closes = accepted.filter((a) => a.command.type === 'CloseAuction');
      expect(closes.length).toBeLessThanOrEqual(1);
      expect(
        events.filter((e) => e.type === 'AuctionClosed' || e.type === 'AuctionCancelled').length,
      ).toBeLessThanOrEqual(1);
      for (const { events: produced, before, now } of closes) {
        expect(now).toBeGreaterThanOrEqual(before.endsAt);
        const closed = produced[0]!;
        if (closed.type !== 'AuctionClosed') throw new Error('a close produced something else');
        if (before.bidCount === 0) expect(closed.data).toMatchObject({ outcome: 'no_bids', winnerId: null });
        else if (before.reservePrice !== null && before.currentPrice! < before.reservePrice)
          expect(closed.data).toMatchObject({ outcome: 'reserve_not_met', winnerId: null, finalPrice: null });
        else
          expect(closed.data).toMatchObject({
            outcome: 'sold',
            winnerId: before.leader!.bidderId,
            finalPrice: before.currentPrice,
          });
      }
    }));

  it('folding the stored events reproduces the state, and counts every bid', () =>
    property(({ states, events }) => {
      const stored = JSON.parse(JSON.stringify(events)) as AuctionEvent[];
      const replayed = stored.reduce(evolve, initialState());
      expect(replayed).toEqual(states[states.length - 1]);
      expect(replayed!.bidCount).toBe(events.filter((e) => e.type === 'BidPlaced').length);
    }));
});
