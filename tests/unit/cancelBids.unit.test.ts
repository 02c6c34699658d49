/**
 * Cancelled and retracted bids (api.md, "Who may bid"): the auction stands as if the bidder's
 * bids had never been placed. Property: for any sequence of bids, cancelling a bidder's bids
 * gives the same auction as a log where they never bid (price, leader, ceiling, count, end).
 */
import fc from 'fast-check';
import {
  decide,
  evolve,
  evolveAll,
  type Auction,
  type AuctionCommand,
  type AuctionEvent,
  type AuctionState,
} from '../../src/auction';
import { at, auctionCreated, iso } from '../support/auctionFixtures';

type By = { userId: string; role: 'seller' | 'admin' | 'bidder' | 'system' };
const seller: By = { userId: 'seller', role: 'seller' };
const bid = (
  bidderId: string,
  amount: number,
  seconds: number,
  maxAmount?: number,
  n = 0,
): AuctionCommand => ({
  type: 'PlaceBid',
  data: { bidId: `b${n}-${bidderId}`, autoBidId: `auto${n}`, bidderId, amount, maxAmount },
  now: at(seconds),
});

/** Runs the commands in order on the log, skipping those the decider refuses; the log. */
function run(log: AuctionEvent[], commands: AuctionCommand[]): AuctionEvent[] {
  const events = [...log];
  let state: AuctionState = evolveAll(events);
  for (const command of commands) {
    try {
      const decided = decide(command, state);
      events.push(...decided);
      state = decided.reduce(evolve, state);
    } catch (error) {
      if (!(error as { code?: string }).code) throw error;
    }
  }
  return events;
}

const cancel = (
  log: AuctionEvent[],
  target: { bidId: string } | { bidderId: string },
  seconds: number,
  by = seller,
) =>
  decide(
    {
      type: 'CancelBids',
      data: { target, kind: 'cancelled', by, reason: 'shill' },
      history: log,
      now: at(seconds),
    },
    evolveAll(log),
  );

const standing = (state: AuctionState) => {
  const a = state as Auction;
  return { price: a.currentPrice, leader: a.leader, bidCount: a.bidCount, endsAt: a.endsAt };
};

/** The bids that stand after a log, as a read model keeps them (BidCancelled's diff applied). */
function bidList(log: AuctionEvent[]) {
  const list = new Map<string, string>();
  for (const e of log) {
    if (e.type === 'BidPlaced')
      list.set(e.data.bidId, `${e.data.placedAt} ${e.data.bidderId} ${e.data.amount} ${e.data.auto}`);
    if (e.type !== 'BidCancelled') continue;
    for (const id of e.data.removedBidIds) list.delete(id);
    for (const b of e.data.placedBids) list.set(b.bidId, `${b.placedAt} ${b.bidderId} ${b.amount} ${b.auto}`);
  }
  return [...list.values()].sort();
}

describe("cancelling a bidder's bids", () => {
  const created = auctionCreated();

  it('puts the auction back where the others left it: price, leader and ceiling', () => {
    const log = run(
      [created],
      [bid('ann', 1000, 10, 5000), bid('xav', 1200, 20, 3000), bid('bob', 3500, 30, 4000)],
    );
    const [event] = cancel(log, { bidderId: 'xav' }, 40);
    expect(event).toMatchObject({ type: 'BidCancelled', data: { bidderId: 'xav', leadingBidderId: 'ann' } });
    const after = evolve(evolveAll(log), event!);
    const never = evolveAll(run([created], [bid('ann', 1000, 10, 5000), bid('bob', 3500, 30, 4000)]));
    expect(standing(after)).toEqual(standing(never));
    expect((after as Auction).currentPrice).toBe(4100);
  });

  it("a named bid cancels all of its bidder's bids; again, nothing more is recorded", () => {
    const log = run(
      [created],
      [bid('xav', 1000, 10), bid('ann', 1100, 20), bid('xav', 1200, 30, undefined, 2)],
    );
    const [event] = cancel(log, { bidId: 'b0-xav' }, 40);
    if (event?.type !== 'BidCancelled') throw new Error('no BidCancelled');
    expect(event.data.bidIds).toEqual(['b0-xav', 'b2-xav']);
    expect(event.data.removedBidIds).toEqual(['b0-xav', 'b2-xav']);
    expect(event.data.leadingBidderId).toBe('ann');
    expect(event.data.currentPrice).toBe(1100);
    expect(cancel([...log, event], { bidId: 'b0-xav' }, 41)).toEqual([]);
  });

  it('refuses an unknown bid, another seller, a closed auction; a retraction too late', () => {
    const log = run([created], [bid('xav', 1000, 10)]);
    expect(() => cancel(log, { bidId: 'nope' }, 20)).toThrow(
      expect.objectContaining({ code: 'BID_NOT_FOUND' }),
    );
    expect(() => cancel(log, { bidderId: 'xav' }, 20, { userId: 'mallory', role: 'seller' })).toThrow(
      expect.objectContaining({ code: 'NOT_SELLER' }),
    );
    expect(() => cancel(log, { bidderId: 'xav' }, 3600)).toThrow(
      expect.objectContaining({ code: 'AUCTION_NOT_OPEN' }),
    );
    const retract = (seconds: number, endsAt: number) =>
      decide(
        {
          type: 'CancelBids',
          data: {
            target: { bidderId: 'xav' },
            kind: 'retracted',
            by: { userId: 'xav', role: 'bidder' },
            reason: null,
          },
          history: run([auctionCreated({ endsAt: iso(endsAt) })], [bid('xav', 1000, 10)]),
          now: at(seconds),
        },
        evolveAll(run([auctionCreated({ endsAt: iso(endsAt) })], [bid('xav', 1000, 10)])),
      );
    expect(() => retract(20, 12 * 3600 + 20)).toThrow(
      expect.objectContaining({ code: 'RETRACTION_TOO_LATE' }),
    );
    expect(retract(20, 12 * 3600 + 21)).toHaveLength(1);
  });

  it('takes back the soft close its bids caused', () => {
    const soft = auctionCreated({ softClose: { windowSeconds: 300, extensionSeconds: 300 } });
    const log = run([soft], [bid('ann', 1000, 10, 2000), bid('xav', 1500, 3400)]);
    expect((evolveAll(log) as Auction).endsAt).toBe(at(3700).getTime());
    const [event] = cancel(log, { bidderId: 'xav' }, 3500);
    expect(evolve(evolveAll(log), event!)).toMatchObject({ endsAt: at(3600).getTime(), currentPrice: 1000 });
  });

  it("a sealed auction forgets the bidder's sealed bids", () => {
    const sealedAuction = auctionCreated({ format: 'sealed_first_price', minIncrement: null });
    const log = run([sealedAuction], [bid('xav', 1500, 10), bid('ann', 1200, 20)]);
    const after = evolve(evolveAll(log), cancel(log, { bidderId: 'xav' }, 30)[0]!) as Auction;
    expect(after.sealedBids?.map((b) => b.bidderId)).toEqual(['ann']);
    expect(after.bidCount).toBe(1);
  });

  it('property: the same auction as a log where the bidder never bid', () => {
    const bidders = ['ann', 'bob', 'cid', 'xav'];
    const command = fc.record({
      bidder: fc.constantFrom(...bidders),
      amount: fc.integer({ min: 1000, max: 6000 }),
      extra: fc.option(fc.integer({ min: 0, max: 4000 }), { nil: undefined }),
      gap: fc.integer({ min: 1, max: 120 }),
    });
    const terms = fc.record({
      reservePrice: fc.option(fc.integer({ min: 1000, max: 5000 }), { nil: null }),
      soft: fc.boolean(),
    });
    fc.assert(
      fc.property(
        terms,
        fc.array(command, { maxLength: 25 }),
        fc.constantFrom(...bidders),
        (t, cmds, gone) => {
          // A soft close over the whole hour keeps every bid open in both logs.
          const start = auctionCreated({
            reservePrice: t.reservePrice,
            softClose: t.soft ? { windowSeconds: 3600, extensionSeconds: 3600 } : null,
          });
          let seconds = 0;
          const commands = cmds.map((c, n) => {
            seconds += c.gap;
            return bid(
              c.bidder,
              c.amount,
              seconds,
              c.extra === undefined ? undefined : c.amount + c.extra,
              n,
            );
          });
          const log = run([start], commands);
          const placedIds = new Set(log.flatMap((e) => ('bidId' in e.data ? [e.data.bidId] : [])));
          const accepted = commands.filter((c) => c.type === 'PlaceBid' && placedIds.has(c.data.bidId));
          const never = evolveAll(
            run(
              [start],
              accepted.filter((c) => c.type === 'PlaceBid' && c.data.bidderId !== gone),
            ),
          );
          const decided = cancel(log, { bidderId: gone }, seconds);
          const after = decided.reduce(evolve, evolveAll(log));
          expect(standing(after)).toEqual(standing(never));
          // And the bids that stand, as the read models apply the event, are the other log's.
          const neverLog = run(
            [start],
            accepted.filter((c) => c.type === 'PlaceBid' && c.data.bidderId !== gone),
          );
          expect(bidList([...log, ...decided])).toEqual(bidList(neverLog));
        },
      ),
      { numRuns: 300 },
    );
  });
});
