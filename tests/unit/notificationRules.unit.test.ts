import { decide, evolveAll, type AuctionCommand, type AuctionEvent } from '../../src/auction';
import type { RecordedEvent } from '../../src/events';
import { notificationIdOf, planNotifications, type AuctionFacts } from '../../src/notifications';
import { userStreamId, type UserEvent } from '../../src/watching';
import { at, auctionCreated, iso } from '../support/auctionFixtures';

/**
 * The notification rules, given a log and nothing else: which user is told what, once. The
 * auctions' events come from the decider itself, so a proxy's answer is what it really decides.
 */
let position = 0;
const record = (
  streamId: string,
  event: AuctionEvent | UserEvent,
  revision: number,
  seconds = 60,
): RecordedEvent => ({
  id: `event-${++position}`,
  streamId,
  revision: BigInt(revision),
  position: String(position).padStart(10, '0'),
  type: event.type,
  data: event.data,
  metadata: {},
  recordedAt: at(seconds),
});

/** An auction stream built by deciding commands one after another, as the command side does. */
function auction(commands: Array<(n: number) => AuctionCommand>) {
  const events: AuctionEvent[] = [auctionCreated({ reservePrice: 1500 })];
  commands.forEach((command, n) => events.push(...decide(command(n), evolveAll(events))));
  return events.map((e, i) => record('auction-a1', e, i, 60 + i));
}
const bid =
  (bidderId: string, amount: number, maxAmount?: number) =>
  (n: number): AuctionCommand => ({
    type: 'PlaceBid',
    now: at(60 + n),
    data: { bidId: `b${n}`, autoBidId: `auto${n}`, bidderId, amount, ...(maxAmount ? { maxAmount } : {}) },
  });
const close = (): AuctionCommand => ({ type: 'CloseAuction', now: at(3600) });
const endingSoon = (): AuctionCommand => ({
  type: 'MarkEndingSoon',
  data: { withinSeconds: 300 },
  now: at(3400),
});

const plan = (events: RecordedEvent[], facts = new Map<string, AuctionFacts>(), watchers = new Map()) =>
  planNotifications(facts, watchers, events);
const told = (events: RecordedEvent[]) => plan(events).notifications.map((n) => [n.userId, n.kind]);

describe('notification rules', () => {
  it('outbid: the leader passed by another bid is told; the new leader is not', () => {
    expect(told(auction([bid('alice', 1000), bid('bob', 1100)]))).toEqual([['alice', 'outbid']]);
  });

  it("outbid by a proxy: a bid under the leader's ceiling is told once, with the price the answer set", () => {
    // alice's ceiling meets the reserve (1500): she leads at 1500; bob's 1700 is answered at 1800.
    const events = auction([bid('alice', 1000, 5000), bid('bob', 1700)]);
    const { notifications } = plan(events);
    expect(notifications.map((n) => [n.userId, n.kind])).toEqual([['bob', 'outbid']]);
    expect(notifications[0]!.auction).toMatchObject({ currentPrice: 1800, leadingBidderId: 'alice' });
    // Neither the leader's ceiling nor the reserve is in it.
    expect(notifications[0]!.auction.myMaxAmount).toBeNull();
    expect(notifications[0]!.auction.reservePrice).toBeUndefined();
  });

  it('the same, cut between two batches: the answer comes in the next batch and is still told once', () => {
    const events = auction([bid('alice', 1000, 5000), bid('bob', 1700)]);
    const first = plan(events.slice(0, 3));
    expect(first.notifications).toEqual([]);
    const second = plan(events.slice(3), first.auctions);
    expect(second.notifications.map((n) => [n.userId, n.kind])).toEqual([['bob', 'outbid']]);
  });

  it('a leader raising their own ceiling tells nobody', () => {
    expect(told(auction([bid('alice', 1000), bid('bob', 1100), bid('bob', 1200, 9000)]))).toEqual([
      ['alice', 'outbid'],
    ]);
  });

  it('on a log in the old shape (a leader raising their ceiling was a plain BidPlaced) nobody is told of it', () => {
    const placed = (bidderId: string, amount: number, n: number): AuctionEvent => ({
      type: 'BidPlaced',
      data: { bidId: `old${n}`, bidderId, amount, auto: false, placedAt: iso(60 + n) },
    });
    const old = [auctionCreated(), placed('alice', 1000, 1), placed('bob', 1100, 2), placed('bob', 1500, 3)];
    const events = old.map((e, i) => record('auction-a1', e, i, 60 + i));
    expect(told(events)).toEqual([['alice', 'outbid']]);
  });

  it('won and lost at the close: the winner, and each other bidder once', () => {
    const kinds = told(auction([bid('alice', 1000), bid('bob', 1600), bid('alice', 1700), close]));
    expect(kinds.filter(([, k]) => k === 'won' || k === 'lost')).toEqual([
      ['alice', 'won'],
      ['bob', 'lost'],
    ]);
  });

  it('reserve not met: every bidder lost', () => {
    const kinds = told(auction([bid('alice', 1000), bid('bob', 1100), close]));
    expect(
      kinds
        .filter(([, k]) => k === 'lost')
        .map(([u]) => u)
        .sort(),
    ).toEqual(['alice', 'bob']);
    expect(kinds.some(([, k]) => k === 'won')).toBe(false);
  });

  it('ending soon and cancelled: to bidders and to whoever watches at that point of the log', () => {
    const events = auction([bid('alice', 1000), endingSoon]);
    const watch = (user: string, on: boolean, revision: number) =>
      record(
        userStreamId(user),
        on
          ? { type: 'AuctionWatched', data: { auctionId: 'a1', watchedAt: iso(1) } }
          : { type: 'AuctionUnwatched', data: { auctionId: 'a1', unwatchedAt: iso(1) } },
        revision,
      );
    // carol watches before the notice; dave only after it; erin watched and stopped.
    const log = [
      ...events.slice(0, 2),
      watch('carol', true, 0),
      watch('erin', true, 0),
      watch('erin', false, 1),
      events[2]!,
      watch('dave', true, 0),
    ];
    const { notifications, watchChanges } = plan(log);
    expect(notifications.map((n) => [n.userId, n.kind])).toEqual([
      ['alice', 'ending_soon'],
      ['carol', 'ending_soon'],
    ]);
    expect(watchChanges.map((c) => [c.userId, c.watching])).toEqual([
      ['carol', true],
      ['erin', true],
      ['erin', false],
      ['dave', true],
    ]);

    const cancelled = [
      record('auction-a2', auctionCreated({ auctionId: 'a2' }), 0),
      record(
        userStreamId('carol'),
        { type: 'AuctionWatched', data: { auctionId: 'a2', watchedAt: iso(1) } },
        2,
      ),
      record('auction-a2', { type: 'AuctionCancelled', data: { reason: null, cancelledAt: iso(2) } }, 1),
    ];
    expect(told(cancelled)).toEqual([['carol', 'cancelled']]);
  });

  it('a replayed batch tells nobody again; ids are a function of the cause', () => {
    const events = auction([bid('alice', 1000), bid('bob', 1100)]);
    const first = plan(events);
    expect(plan(events, first.auctions).notifications).toEqual([]);
    const again = plan(events).notifications;
    expect(again.map((n) => n.notificationId)).toEqual(first.notifications.map((n) => n.notificationId));
    expect(again[0]!.notificationId).toBe(notificationIdOf(events[2]!.id, 'outbid', 'alice'));
  });
});

describe('the ending-soon notice', () => {
  const state = evolveAll([auctionCreated()]);
  const mark = (seconds: number): AuctionCommand => ({
    type: 'MarkEndingSoon',
    data: { withinSeconds: 300 },
    now: at(seconds),
  });
  it('is decided only within its window of an open auction', () => {
    expect(decide(mark(3300), state)).toEqual([
      { type: 'AuctionEndingSoon', data: { endsAt: iso(3600), withinSeconds: 300, noticedAt: iso(3300) } },
    ]);
    expect(() => decide(mark(3299), state)).toThrow(expect.objectContaining({ code: 'NOT_ENDING_SOON' }));
    expect(() => decide(mark(3600), state)).toThrow(expect.objectContaining({ code: 'AUCTION_NOT_OPEN' }));
  });
});

describe('watching a sale', () => {
  const lot = (commands: AuctionCommand[]) => {
    const events: AuctionEvent[] = [auctionCreated({ saleId: 's1', lotNumber: 2 })];
    for (const command of commands) events.push(...decide(command, evolveAll(events)));
    return events.map((e, i) => record('auction-a1', e, i, 60 + i));
  };
  const cancel: AuctionCommand = { type: 'CancelAuction', data: { userId: 'seller' }, now: at(100) };

  it("tells the sale's watchers of a lot's ending soon and cancellation, as its own watchers", () => {
    const saleWatchers = new Map([['s1', new Set(['carol'])]]);
    const soon = planNotifications(new Map(), new Map(), lot([endingSoon()]), saleWatchers);
    expect(soon.notifications.map((n) => [n.userId, n.kind])).toEqual([['carol', 'ending_soon']]);
    const cancelled = planNotifications(new Map(), new Map(), lot([cancel]), saleWatchers);
    expect(cancelled.notifications.map((n) => [n.userId, n.kind])).toEqual([['carol', 'cancelled']]);
  });

  it('follows watches and unwatches of the sale in the batch; another sale tells nobody', () => {
    const user = (event: UserEvent, revision: number) => record(userStreamId('dave'), event, revision, 10);
    const watching = [
      user({ type: 'SaleWatched', data: { saleId: 's1', watchedAt: iso(10) } }, 0),
      ...lot([cancel]),
    ];
    const planned = planNotifications(new Map(), new Map(), watching);
    expect(planned.notifications.map((n) => [n.userId, n.kind])).toEqual([['dave', 'cancelled']]);
    expect(planned.saleWatchChanges).toEqual([{ userId: 'dave', saleId: 's1', watching: true, at: iso(10) }]);
    const elsewhere = new Map([['s2', new Set(['erin'])]]);
    expect(planNotifications(new Map(), new Map(), lot([cancel]), elsewhere).notifications).toEqual([]);
  });
});
