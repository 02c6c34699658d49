import {
  AuctionCommand,
  AuctionRuleError,
  decide,
  evolveAll,
  ladderIncrement,
  minimumBid,
  type Auction,
  type PlaceBidData,
} from '../../src/auction';
import type { AuctionCreated, AuctionEvent } from '../../src/auction';
import { decideBatch } from '../../src/commands';
import { T0, at, auctionCreated, iso } from '../support/auctionFixtures';

const created = auctionCreated;

let bidSeq = 0;
const bid = (bidderId: string, amount: number, maxAmount?: number, seconds = 60): AuctionCommand => {
  bidSeq++;
  const data: PlaceBidData = { bidId: `b${bidSeq}`, autoBidId: `b${bidSeq}-auto`, bidderId, amount };
  if (maxAmount !== undefined) data.maxAmount = maxAmount;
  return { type: 'PlaceBid', data, now: at(seconds) };
};

/** given(events).when(command) -> the new events, and the state after them. */
function given(history: AuctionEvent[]) {
  return {
    when(command: AuctionCommand) {
      const state = evolveAll(history);
      const events = decide(command, state);
      return { events, state: evolveAll(events, state) as Auction };
    },
    /** Applies each command in turn (as the handler would) and returns the final state. */
    whenAll(commands: AuctionCommand[]) {
      let events = history;
      for (const c of commands) events = [...events, ...decide(c, evolveAll(events))];
      return { events, state: evolveAll(events) as Auction };
    },
    rejects(command: AuctionCommand, code: string): void {
      this.rejection(command, code);
    },
    rejection(command: AuctionCommand, code: string): AuctionRuleError {
      let error: unknown;
      try {
        decide(command, evolveAll(history));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AuctionRuleError);
      expect((error as AuctionRuleError).code).toBe(code);
      return error as AuctionRuleError;
    },
  };
}

const bids = (events: AuctionEvent[]) =>
  events
    .filter((e) => e.type === 'BidPlaced')
    .map((e) => e.data as { bidderId: string; amount: number; auto: boolean });

describe('increment ladder', () => {
  it.each([
    [0, 5],
    [99, 5],
    [100, 25],
    [499, 25],
    [500, 50],
    [2_499, 50],
    [2_500, 100],
    [9_999, 100],
    [10_000, 250],
    [25_000, 500],
    [50_000, 1_000],
    [100_000, 2_500],
    [250_000, 5_000],
    [499_999, 5_000],
    [500_000, 10_000],
    [10_000_000, 10_000],
  ])('at %i the increment is %i', (price, increment) => expect(ladderIncrement(price)).toBe(increment));

  it('is used when the seller set no minimum increment', () => {
    const { state } = given([created({ minIncrement: null })]).when(bid('b1', 2_400));
    expect(minimumBid(state)).toBe(2_450);
    const next = given([created({ minIncrement: null })]).whenAll([bid('b1', 2_400), bid('b2', 2_500)]);
    expect(minimumBid(next.state)).toBe(2_600);
  });
});

describe('CreateAuction', () => {
  const create = (data: Partial<AuctionCreated>, nowSeconds = 0): AuctionCommand => {
    const { createdAt: _ignored, ...rest } = (created(data) as { data: AuctionCreated }).data;
    return { type: 'CreateAuction', data: rest, now: at(nowSeconds) };
  };

  it('creates an auction', () => {
    const { events, state } = given([]).when(create({}));
    expect(events).toEqual([created()]);
    expect(state).toMatchObject({ status: 'active', currentPrice: null, bidCount: 0 });
  });

  it('refuses a second creation', () => given([created()]).rejects(create({}), 'AUCTION_ALREADY_EXISTS'));
  it('refuses an end before the start', () =>
    given([]).rejects(create({ startsAt: iso(100), endsAt: iso(50) }), 'INVALID_SCHEDULE'));
  it('refuses an end at the start', () =>
    given([]).rejects(create({ startsAt: iso(100), endsAt: iso(100) }), 'INVALID_SCHEDULE'));
  it('refuses an end in the past', () =>
    given([]).rejects(create({ startsAt: iso(-100), endsAt: iso(-1) }), 'INVALID_SCHEDULE'));
  it('refuses an end more than 90 days ahead', () =>
    given([]).rejects(create({ endsAt: iso(90 * 86400 + 1) }), 'INVALID_SCHEDULE'));
  it('refuses a start more than 90 days before the end (year 0000 is valid RFC 3339)', () => {
    given([]).rejects(create({ startsAt: iso(-90 * 86400 + 3599), endsAt: iso(3600) }), 'INVALID_SCHEDULE');
    given([]).rejects(create({ startsAt: '0000-01-01T00:00:00Z', endsAt: iso(3600) }), 'INVALID_SCHEDULE');
    given([]).rejects(create({ startsAt: '2026-12-31T23:59:60Z', endsAt: iso(3600) }), 'INVALID_SCHEDULE');
  });
  it('accepts an end exactly 90 days ahead', () =>
    expect(given([]).when(create({ endsAt: iso(90 * 86400) })).events).toHaveLength(1));
  it('refuses a reserve below the starting price', () =>
    given([]).rejects(create({ reservePrice: 999 }), 'INVALID_SCHEDULE'));
});

describe('PlaceBid', () => {
  it('first bid at the starting price leads', () => {
    const { events, state } = given([created()]).when(bid('b1', 1000));
    expect(bids(events)).toEqual([
      {
        bidId: expect.any(String),
        bidderId: 'b1',
        amount: 1000,
        maxAmount: 1000,
        auto: false,
        placedAt: iso(60),
      },
    ]);
    expect(state).toMatchObject({ currentPrice: 1000, leader: { bidderId: 'b1' }, bidCount: 1 });
    expect(minimumBid(state)).toBe(1100);
  });

  it('refuses a bid below the minimum, naming the minimum', () => {
    const error = given([created()]).rejection(bid('b1', 999), 'BID_TOO_LOW');
    expect(error.details).toEqual({ minimumBid: 1000 });
    const after = given([created()]).whenAll([bid('b1', 1000)]).events;
    expect(given(after).rejection(bid('b2', 1099), 'BID_TOO_LOW').details).toEqual({ minimumBid: 1100 });
  });

  it('accepts a bid exactly at the minimum', () => {
    const { state } = given([created()]).whenAll([bid('b1', 1000), bid('b2', 1100)]);
    expect(state).toMatchObject({ currentPrice: 1100, leader: { bidderId: 'b2' } });
  });

  it('refuses the seller', () => given([created()]).rejects(bid('seller', 5000), 'SELLER_CANNOT_BID'));

  describe('time window', () => {
    it('refuses a bid before startsAt', () =>
      given([created({ startsAt: iso(100) })]).rejects(bid('b1', 1000, undefined, 99), 'AUCTION_NOT_OPEN'));
    it('accepts a bid exactly at startsAt', () =>
      expect(
        given([created({ startsAt: iso(100) })]).when(bid('b1', 1000, undefined, 100)).events,
      ).toHaveLength(1));
    it('accepts a bid one millisecond before endsAt', () => {
      const command = bid('b1', 1000);
      command.now = new Date(T0 + 3600 * 1000 - 1);
      expect(given([created()]).when(command).events).toHaveLength(1);
    });
    it('refuses a bid exactly at endsAt', () =>
      given([created()]).rejects(bid('b1', 1000, undefined, 3600), 'AUCTION_NOT_OPEN'));
    it('refuses a bid on a cancelled auction', () =>
      given([created(), { type: 'AuctionCancelled', data: { reason: null, cancelledAt: iso(10) } }]).rejects(
        bid('b1', 1000),
        'AUCTION_NOT_OPEN',
      ));
    it('refuses a bid on a missing auction', () => given([]).rejects(bid('b1', 1000), 'AUCTION_NOT_FOUND'));
  });

  describe('proxy bidding', () => {
    it('follows the worked example of the brief', () => {
      const g = given([created()]);
      const step1 = g.whenAll([bid('A', 1000, 5000)]);
      expect(step1.state).toMatchObject({ currentPrice: 1000, leader: { bidderId: 'A', ceiling: 5000 } });

      const step2 = given(step1.events).when(bid('B', 2000));
      expect(bids(step2.events).map((b) => [b.bidderId, b.amount, b.auto])).toEqual([
        ['B', 2000, false],
        ['A', 2100, true],
      ]);
      expect(step2.state).toMatchObject({ currentPrice: 2100, leader: { bidderId: 'A' } });

      const step3 = given([...step1.events, ...step2.events]).when(bid('B', 6000));
      expect(step3.state).toMatchObject({ currentPrice: 6000, leader: { bidderId: 'B', ceiling: 6000 } });

      const h3 = [...step1.events, ...step2.events, ...step3.events];
      const step4 = given(h3).when(bid('C', 6100, 9000));
      expect(step4.state).toMatchObject({ currentPrice: 6100, leader: { bidderId: 'C', ceiling: 9000 } });

      const step5 = given([...h3, ...step4.events]).when(bid('D', 6200, 9000));
      expect(bids(step5.events).map((b) => [b.bidderId, b.amount, b.auto])).toEqual([
        ['D', 6200, false],
        ['C', 9000, true],
      ]);
      expect(step5.state).toMatchObject({ currentPrice: 9000, leader: { bidderId: 'C' } });
    });

    it('proxy against proxy: the higher ceiling wins at the lower ceiling plus the increment', () => {
      const { state } = given([created()]).whenAll([bid('A', 1000, 3000), bid('B', 1100, 5000)]);
      expect(state).toMatchObject({ currentPrice: 3100, leader: { bidderId: 'B', ceiling: 5000 } });
    });

    it('proxy against proxy: the win is capped at the higher ceiling', () => {
      const { state } = given([created()]).whenAll([bid('A', 1000, 3000), bid('B', 1100, 3050)]);
      expect(state).toMatchObject({ currentPrice: 3050, leader: { bidderId: 'B' } });
    });

    it('equal ceilings: the earlier one wins', () => {
      const { state, events } = given([created()]).whenAll([bid('A', 1000, 3000), bid('B', 1100, 3000)]);
      expect(state).toMatchObject({ currentPrice: 3000, leader: { bidderId: 'A' } });
      expect(bids(events).at(-1)).toMatchObject({ bidderId: 'A', amount: 3000, auto: true });
    });

    it('a standing ceiling beats a later plain bid of the same amount', () => {
      const { state } = given([created()]).whenAll([bid('A', 1000, 3000), bid('B', 3000)]);
      expect(state).toMatchObject({ currentPrice: 3000, leader: { bidderId: 'A' } });
    });

    it('a bid below a standing ceiling is recorded, then outbid by an automatic bid', () => {
      const { events } = given([created()]).whenAll([bid('A', 1000, 3000)]);
      const next = given(events).when(bid('B', 1500));
      expect(bids(next.events)).toEqual([
        expect.objectContaining({ bidderId: 'B', amount: 1500, auto: false }),
        expect.objectContaining({ bidderId: 'A', amount: 1600, auto: true }),
      ]);
      expect(next.state.bidCount).toBe(3);
    });

    it('the leader raising their own ceiling never raises the price', () => {
      const { state } = given([created()]).whenAll([bid('A', 1000, 2000), bid('A', 1100, 8000)]);
      expect(state).toMatchObject({ currentPrice: 1000, leader: { bidderId: 'A', ceiling: 8000 } });
    });

    it("the leader's bid is not a bid: a private MaxBidRaised that counts for nothing public", () => {
      const { events } = given([created()]).whenAll([bid('A', 1000, 2000)]);
      const raise = given(events).when(bid('A', 1100, 8000, 70));
      expect(raise.events).toEqual([
        {
          type: 'MaxBidRaised',
          data: { bidId: expect.any(String), bidderId: 'A', maxAmount: 8000, raisedAt: iso(70) },
        },
      ]);
      expect(bids(raise.events)).toEqual([]);
      expect(raise.state).toMatchObject({
        currentPrice: 1000,
        bidCount: 1,
        leader: { bidderId: 'A', ceiling: 8000 },
      });
    });

    it("a leader's raise inside the soft-close window does not extend the end (nobody may see it)", () => {
      const soft = [created({ softClose: { windowSeconds: 60, extensionSeconds: 120 } })];
      const { events } = given(soft).whenAll([bid('A', 1000, 2000, 100)]);
      expect(
        given(events)
          .when(bid('A', 1100, 9000, 3590))
          .events.map((e) => e.type),
      ).toEqual(['MaxBidRaised']);
    });

    it('a leader bid below their ceiling keeps the ceiling', () => {
      const { state } = given([created()]).whenAll([bid('A', 1000, 8000), bid('A', 1100)]);
      expect(state).toMatchObject({ currentPrice: 1000, leader: { ceiling: 8000 } });
    });
  });

  describe('reserve', () => {
    const withReserve = () => [created({ reservePrice: 5000 })];

    it("a leader's raise that meets the reserve lifts the price, seen as the leader's automatic bid", () => {
      const { events } = given(withReserve()).whenAll([bid('A', 1000, 2000)]);
      const raise = given(events).when(bid('A', 1100, 6000));
      expect(raise.events.map((e) => e.type)).toEqual(['MaxBidRaised', 'BidPlaced']);
      expect(bids(raise.events)).toEqual([
        expect.objectContaining({ bidderId: 'A', amount: 5000, auto: true }),
      ]);
      expect(raise.state).toMatchObject({
        currentPrice: 5000,
        bidCount: 2,
        leader: { bidderId: 'A', ceiling: 6000 },
      });
    });

    it('a ceiling at or above the reserve lifts the price to it at once', () => {
      const { state } = given(withReserve()).when(bid('A', 1000, 6000));
      expect(state).toMatchObject({ currentPrice: 5000, leader: { bidderId: 'A' } });
    });

    it('a ceiling below the reserve does not', () => {
      const { state } = given(withReserve()).when(bid('A', 1000, 4000));
      expect(state.currentPrice).toBe(1000);
    });

    it('the reserve can be met by an automatic bid', () => {
      const { events } = given(withReserve()).whenAll([bid('A', 1000, 7000)]);
      expect(evolveAll(events)).toMatchObject({ currentPrice: 5000 });
      const next = given(events).when(bid('B', 5100));
      expect(next.state).toMatchObject({ currentPrice: 5200, leader: { bidderId: 'A' } });
      const close = given([...events, ...next.events]).when({ type: 'CloseAuction', now: at(3600) });
      expect(close.events[0]).toMatchObject({ data: { outcome: 'sold', winnerId: 'A', finalPrice: 5200 } });
    });

    it('the leader raising their ceiling to the reserve lifts the price to it', () => {
      const { state } = given(withReserve()).whenAll([bid('A', 1000, 2000), bid('A', 1100, 5000)]);
      expect(state).toMatchObject({ currentPrice: 5000, leader: { ceiling: 5000 } });
    });
  });

  describe('soft close', () => {
    const soft = () => [created({ softClose: { windowSeconds: 60, extensionSeconds: 120 } })];

    it('a bid inside the window extends the end', () => {
      const { events, state } = given(soft()).when(bid('A', 1000, undefined, 3550));
      expect(events.at(-1)).toEqual({
        type: 'AuctionExtended',
        data: { endsAt: iso(3670), previousEndsAt: iso(3600) },
      });
      expect(state.endsAt).toBe(T0 + 3670 * 1000);
    });

    it('a bid at the start of the window extends it', () => {
      expect(
        given(soft())
          .when(bid('A', 1000, undefined, 3540))
          .events.at(-1)?.type,
      ).toBe('AuctionExtended');
    });

    it('a bid before the window does not', () => {
      expect(
        given(soft())
          .when(bid('A', 1000, undefined, 3539))
          .events.map((e) => e.type),
      ).toEqual(['BidPlaced']);
    });

    it('an extension never shortens the auction', () => {
      const longWindow = [created({ softClose: { windowSeconds: 600, extensionSeconds: 60 } })];
      expect(
        given(longWindow)
          .when(bid('A', 1000, undefined, 3100))
          .events.map((e) => e.type),
      ).toEqual(['BidPlaced']);
    });

    it('chains of extensions keep moving the end, and bids after the old end are accepted', () => {
      const { state, events } = given(soft()).whenAll([
        bid('A', 1000, undefined, 3590),
        bid('B', 1100, undefined, 3650), // after the original end, before the extended one
        bid('A', 1200, undefined, 3760),
      ]);
      expect(events.filter((e) => e.type === 'AuctionExtended')).toHaveLength(3);
      expect(state.endsAt).toBe(T0 + 3880 * 1000);
    });

    it('a rejected bid never extends: a later bid past the original end is refused', () => {
      // Decided in one batch, as the handler does: the refusal leaves the state as it was.
      const commands = [bid('A', 10, undefined, 3590), bid('B', 1000, undefined, 3605)];
      const loaded = { state: evolveAll(soft()), revision: 0n, idempotency: new Map() };
      const envelopes = commands.map((command) => ({
        auctionId: 'a1',
        command,
        userId: 'u',
        correlationId: 'c',
      }));
      const { outcomes, newEvents } = decideBatch(loaded, envelopes, { appendId: 'x', commandId: () => 'y' });
      expect(outcomes.map((o) => o.kind === 'rejected' && (o.error as AuctionRuleError).code)).toEqual([
        'BID_TOO_LOW',
        'AUCTION_NOT_OPEN',
      ]);
      expect(newEvents).toEqual([]);
    });
  });
});

describe('CancelAuction', () => {
  const cancel = (userId: string, seconds = 30): AuctionCommand => ({
    type: 'CancelAuction',
    data: { userId, reason: 'changed my mind' },
    now: at(seconds),
  });

  it('the seller cancels an auction without bids', () => {
    const { events, state } = given([created()]).when(cancel('seller'));
    expect(events).toEqual([
      { type: 'AuctionCancelled', data: { reason: 'changed my mind', cancelledAt: iso(30) } },
    ]);
    expect(state.status).toBe('cancelled');
  });
  it('someone else may not', () => given([created()]).rejects(cancel('b1'), 'NOT_SELLER'));
  it('not with bids', () => {
    const { events } = given([created()]).whenAll([bid('b1', 1000)]);
    given(events).rejects(cancel('seller'), 'AUCTION_HAS_BIDS');
  });
  it('not twice', () => {
    const { events } = given([created()]).whenAll([cancel('seller')]);
    given(events).rejects(cancel('seller'), 'AUCTION_NOT_OPEN');
  });
  it('not after the end', () => given([created()]).rejects(cancel('seller', 3600), 'AUCTION_NOT_OPEN'));
  it('not a missing auction', () => given([]).rejects(cancel('seller'), 'AUCTION_NOT_FOUND'));
});

describe('CloseAuction', () => {
  const close = (seconds = 3600): AuctionCommand => ({ type: 'CloseAuction', now: at(seconds) });

  it('sold to the leader at the current price', () => {
    const { events } = given([created()]).whenAll([bid('b1', 1000), bid('b2', 1500)]);
    expect(given(events).when(close()).events).toEqual([
      {
        type: 'AuctionClosed',
        data: { outcome: 'sold', winnerId: 'b2', finalPrice: 1500, closedAt: iso(3600) },
      },
    ]);
  });
  it('no bids', () =>
    expect(given([created()]).when(close()).events[0]).toMatchObject({
      data: { outcome: 'no_bids', winnerId: null, finalPrice: null },
    }));
  it('reserve not met', () => {
    const { events } = given([created({ reservePrice: 5000 })]).whenAll([
      bid('b1', 1000, 4000),
      bid('b2', 1500),
    ]);
    expect(given(events).when(close()).events[0]).toMatchObject({
      data: { outcome: 'reserve_not_met', winnerId: null, finalPrice: null },
    });
  });
  it('reserve met exactly', () => {
    const { events } = given([created({ reservePrice: 5000 })]).whenAll([bid('b1', 5000)]);
    expect(given(events).when(close()).events[0]).toMatchObject({
      data: { outcome: 'sold', finalPrice: 5000 },
    });
  });
  it('not before the end', () => given([created()]).rejects(close(3599), 'AUCTION_NOT_ENDED'));
  it('not before an extended end', () => {
    const soft = [created({ softClose: { windowSeconds: 60, extensionSeconds: 120 } })];
    const { events } = given(soft).whenAll([bid('b1', 1000, undefined, 3590)]);
    given(events).rejects(close(3600), 'AUCTION_NOT_ENDED');
    expect(given(events).when(close(3710)).events).toHaveLength(1);
  });
  it('only once', () => {
    const { events } = given([created()]).whenAll([close()]);
    given(events).rejects(close(3700), 'AUCTION_NOT_OPEN');
  });
  it('not a cancelled auction', () =>
    given([created(), { type: 'AuctionCancelled', data: { reason: null, cancelledAt: iso(1) } }]).rejects(
      close(),
      'AUCTION_NOT_OPEN',
    ));
});
