import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  auctionStreamId,
  decide,
  evolveAll,
  type AuctionCommand,
  type AuctionEvent,
  type CreateAuctionData,
} from '../../src/auction';
import { getTokenIssuer } from '../../src/auth';
import { call, registerUser, startTestApp, TEST_JWT_SECRET, type Reply } from '../support/testApp';

/**
 * The analysts' routes on small logs whose every figure is worked out by hand below. The logs are
 * written straight into the event store, made by the real decider at fixed past times.
 */
const T = Date.parse('2026-03-02T10:00:00.000Z');
const at = (s: number) => new Date(T + s * 1000);
const ids = {
  a1: randomUUID(),
  a2: randomUUID(),
  a3: randomUUID(),
  a4: randomUUID(),
  a5: randomUUID(),
  a6: randomUUID(),
  open: randomUUID(),
};
const [alice, bob, carol, dave] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];

function history(
  auctionId: string,
  create: Partial<CreateAuctionData>,
  commands: AuctionCommand[],
  now = at(0),
): AuctionEvent[] {
  const events: AuctionEvent[] = [];
  const run = (command: AuctionCommand) => events.push(...decide(command, evolveAll(events)));
  run({
    type: 'CreateAuction',
    now,
    data: {
      auctionId,
      sellerId: randomUUID(),
      title: `Lot ${auctionId.slice(0, 4)}`,
      description: '',
      currency: 'EUR',
      startingPrice: 1000,
      reservePrice: null,
      minIncrement: 100,
      startsAt: at(0).toISOString(),
      endsAt: at(3600).toISOString(),
      softClose: null,
      ...create,
    },
  });
  for (const command of commands) run(command);
  return events;
}
const bid = (bidderId: string, amount: number, s: number, maxAmount?: number): AuctionCommand => ({
  type: 'PlaceBid',
  now: at(s),
  data: {
    bidId: randomUUID(),
    autoBidId: randomUUID(),
    bidderId,
    amount,
    ...(maxAmount ? { maxAmount } : {}),
  },
});
const closeAt = (s: number): AuctionCommand => ({ type: 'CloseAuction', now: at(s) });

describe('analytics', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let analyst: string;
  let bidder: Awaited<ReturnType<typeof registerUser>>;
  let position: string;

  beforeAll(async () => {
    t = await startTestApp({ label: 'analytics' });
    analyst = getTokenIssuer(TEST_JWT_SECRET, 600).issue({ sub: randomUUID(), roles: ['analyst'] });
    bidder = await registerUser(t.url, 'bidder');
    const logs: Array<[string, AuctionEvent[]]> = [
      // A1, the proxy example of the brief late in an auction with a soft close (120 s window,
      // 120 s extension): alice 1000 (ceiling 5000); bob 2000 -> alice answers 2100; bob 6000 at
      // 3590 -> leads, extends to 3710; carol 6100 (ceiling 9000) at 3650 -> leads, extends to
      // 3770; dave 6200 (ceiling 9000) at 3700 -> carol answers 9000, extends to 3820. Sold to
      // carol at 9000. 7 bids (2 automatic); 2 late (bob's 6000 at 3590 of 3600, carol's at 3650
      // of 3710; dave's and the answer at 3700 of 3770 are not); 3 extensions.
      [
        ids.a1,
        history(ids.a1, { softClose: { windowSeconds: 120, extensionSeconds: 120 } }, [
          bid(alice, 1000, 60, 5000),
          bid(bob, 2000, 120),
          bid(bob, 6000, 3590),
          bid(carol, 6100, 3650, 9000),
          bid(dave, 6200, 3700, 9000),
          closeAt(3820),
        ]),
      ],
      // A2: reserve 10000 not met; 2 bids.
      [
        ids.a2,
        history(ids.a2, { reservePrice: 10_000 }, [
          bid(alice, 1000, 100),
          bid(bob, 1100, 200),
          closeAt(3600),
        ]),
      ],
      // A3: USD, no bids.
      [ids.a3, history(ids.a3, { currency: 'USD' }, [closeAt(3600)])],
      // A4: GBP, one bid, sold at 500.
      [
        ids.a4,
        history(ids.a4, { currency: 'GBP', startingPrice: 500 }, [bid(alice, 500, 10), closeAt(3600)]),
      ],
      // A6, CHF: the proxy example of the brief as it stands, all well before the end. Sold to
      // carol at 9000; 7 bids, 2 automatic (alice's 2100, carol's 9000), none late.
      [
        ids.a6,
        history(ids.a6, { currency: 'CHF' }, [
          bid(alice, 1000, 60, 5000),
          bid(bob, 2000, 120),
          bid(bob, 6000, 180),
          bid(carol, 6100, 240, 9000),
          bid(dave, 6200, 300, 9000),
          closeAt(3600),
        ]),
      ],
      // A5: cancelled by its seller before any bid.
      [
        ids.a5,
        history(ids.a5, { sellerId: alice }, [
          { type: 'CancelAuction', now: at(10), data: { userId: alice } },
        ]),
      ],
    ];
    for (const [id, events] of logs)
      position = (
        await t.app.eventStore.appendToStream(auctionStreamId(id), events, { expectedRevision: 'no_stream' })
      ).position;
    // An auction still open.
    const now = new Date();
    const open = history(
      ids.open,
      { startsAt: now.toISOString(), endsAt: new Date(now.getTime() + 3_600_000).toISOString() },
      [],
      now,
    );
    position = (
      await t.app.eventStore.appendToStream(auctionStreamId(ids.open), open, {
        expectedRevision: 'no_stream',
      })
    ).position;
  });
  afterAll(() => t.stop());

  const summary = (query = '') =>
    call(t.url, 'GET', `/analytics/summary${query}`, {
      token: analyst,
      headers: { 'X-Min-Position': position },
    });
  const whatIf = (body: unknown, token = analyst) =>
    call(t.url, 'POST', '/analytics/what-if', { token, body });

  describe('GET /analytics/summary', () => {
    it('every figure over the whole range, as worked out by hand', async () => {
      const res = await summary();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        auctions: 6, // A1-A6 ended (A5 by cancellation); the open one has not
        closed: 5,
        sold: 3,
        sellThroughRate: 0.6,
        revenue: { CHF: 9000, EUR: 9000, GBP: 500 },
        bids: 17,
        bidders: 4,
        proxyBidShare: 0.2353, // 4 of 17
        lateBidShare: 0.1176, // 2 of 17
        extensions: 3,
        medianBidsPerAuction: 2, // of 0, 1, 2, 7, 7
      });
    });

    it('in one currency, and in a range that holds nothing', async () => {
      const eur = await summary('?currency=EUR');
      expect(eur.body).toEqual({
        auctions: 3,
        closed: 2,
        sold: 1,
        sellThroughRate: 0.5,
        revenue: { EUR: 9000 },
        bids: 9,
        bidders: 4,
        proxyBidShare: 0.2222,
        lateBidShare: 0.2222,
        extensions: 3,
        medianBidsPerAuction: 4.5,
      });
      const later = await summary(`?from=${at(7200).toISOString()}&to=${at(9000).toISOString()}`);
      expect(later.body).toMatchObject({
        auctions: 0,
        closed: 0,
        sold: 0,
        sellThroughRate: 0,
        revenue: {},
        bids: 0,
      });
    });

    it('bad input: from after to, a bad currency, an unknown parameter; a bidder or nobody', async () => {
      const backwards = await summary(`?from=${at(10).toISOString()}&to=${at(0).toISOString()}`);
      expect(backwards.status).toBe(400);
      expect(backwards.body.code).toBe('VALIDATION_FAILED');
      expect((await summary('?currency=euro')).status).toBe(400);
      expect((await summary('?since=2026-01-01')).status).toBe(400);
      expect((await call(t.url, 'GET', '/analytics/summary', { token: bidder.token })).status).toBe(403);
      expect((await call(t.url, 'GET', '/analytics/summary')).status).toBe(401);
    });
  });

  describe('POST /analytics/what-if', () => {
    const item = (res: Reply, id: string) =>
      (res.body.items as Array<{ auctionId: string; actual: object; whatIf: object; changed: boolean }>).find(
        (i) => i.auctionId === id,
      )!;

    it('the proxy example without proxy bidding: the winner and the price change', async () => {
      const res = await whatIf({ auctionIds: [ids.a6], rules: { proxyBidding: false } });
      expect(res.status).toBe(200);
      // alice 1000, bob 2000 (leads), bob's 6000 would only be his ceiling (not made), carol 6100, dave 6200.
      expect(item(res, ids.a6)).toMatchObject({
        actual: { outcome: 'sold', winnerId: carol, finalPrice: 9000, endsAt: at(3600).toISOString() },
        whatIf: { outcome: 'sold', winnerId: dave, finalPrice: 6200, endsAt: at(3600).toISOString() },
        changed: true,
      });
      expect(res.body.summary).toEqual({
        auctions: 1,
        changed: 1,
        revenueActual: { CHF: 9000 },
        revenueWhatIf: { CHF: 6200 },
      });
    });

    it('as sealed bids (rules.format): each bidder seals their highest ceiling; the earlier of equals wins', async () => {
      // Ceilings: alice 5000, bob 6000, carol 9000 (at 240 s), dave 9000 (at 300 s).
      const first = await whatIf({ auctionIds: [ids.a6], rules: { format: 'sealed_first_price' } });
      expect(item(first, ids.a6).whatIf).toMatchObject({
        outcome: 'sold',
        winnerId: carol,
        finalPrice: 9000,
      });
      const second = await whatIf({ auctionIds: [ids.a6], rules: { format: 'sealed_second_price' } });
      expect(item(second, ids.a6).whatIf).toMatchObject({
        outcome: 'sold',
        winnerId: carol,
        finalPrice: 9000,
      });
      expect(second.body.summary).toMatchObject({
        revenueActual: { CHF: 9000 },
        revenueWhatIf: { CHF: 9000 },
      });
      const alone = await whatIf({ auctionIds: [ids.a1], rules: { format: 'sealed_second_price' } });
      expect(alone.status).toBe(200);
      expect(await refusedFormat({ format: 'dutch' })).toBe(400);
    });

    it('late in a soft-closing auction, without proxies the extension that kept it open never comes', async () => {
      const res = await whatIf({ auctionIds: [ids.a1], rules: { proxyBidding: false } });
      // bob's 6000 at 3590 was what extended it; without it the auction ends at 3600 with bob at 2000.
      expect(item(res, ids.a1)).toMatchObject({
        actual: { winnerId: carol, finalPrice: 9000, endsAt: at(3820).toISOString() },
        whatIf: { outcome: 'sold', winnerId: bob, finalPrice: 2000, endsAt: at(3600).toISOString() },
      });
    });

    it('without soft close the late bids come after the end and are refused', async () => {
      const res = await whatIf({ auctionIds: [ids.a1], rules: { softClose: null } });
      expect(item(res, ids.a1).whatIf).toEqual({
        outcome: 'sold',
        winnerId: bob,
        finalPrice: 6000,
        endsAt: at(3600).toISOString(),
      });
    });

    it('a fixed increment, over every closed auction of a range; the cancelled and the unknown are skipped', async () => {
      const range = await whatIf({
        from: at(0).toISOString(),
        to: at(7200).toISOString(),
        rules: { minIncrement: 100 },
      });
      expect(range.status).toBe(200);
      expect((range.body.items as Array<{ auctionId: string }>).map((i) => i.auctionId).sort()).toEqual(
        [ids.a1, ids.a2, ids.a3, ids.a4, ids.a6].sort(),
      );
      // The same increment the auctions had: nothing changes.
      expect(range.body.summary).toMatchObject({ auctions: 5, changed: 0 });
      const named = await whatIf({ auctionIds: [ids.a4, ids.a5, ids.open, randomUUID()], rules: {} });
      expect((named.body.skipped as Array<{ reason: string }>).map((s) => s.reason)).toEqual([
        'not_closed',
        'not_closed',
        'not_found',
      ]);
      const ladder = await whatIf({
        auctionIds: [ids.a1],
        rules: { minIncrement: 'ladder', proxyBidding: true },
      });
      expect(ladder.status).toBe(200);
      // A table whose one band is the auctions' own increment: nothing changes either.
      const table = await whatIf({
        auctionIds: [ids.a1],
        rules: { increments: [{ from: 0, increment: 100 }] },
      });
      expect(table.status).toBe(200);
      expect(table.body.summary).toMatchObject({ auctions: 1, changed: 0 });
    });

    const refusedFormat = async (rules: object) => (await whatIf({ auctionIds: [ids.a6], rules })).status;

    it('bad input: unknown rules, impossible windows, from after to, ids and a range, too many, a bidder', async () => {
      const refused = async (body: unknown, status = 400, token = analyst) => {
        const res = await whatIf(body, token);
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
        return res.body.code;
      };
      expect(await refused({ rules: { reservePrice: 1 } })).toBe('VALIDATION_FAILED');
      expect(await refused({ rules: { softClose: { windowSeconds: 0, extensionSeconds: 60 } } })).toBe(
        'VALIDATION_FAILED',
      );
      expect(await refused({ rules: { softClose: { windowSeconds: 60 } } })).toBe('VALIDATION_FAILED');
      expect(await refused({ rules: { minIncrement: 'steep' } })).toBe('VALIDATION_FAILED');
      expect(await refused({ rules: { increments: [{ from: 5, increment: 10 }] } })).toBe(
        'VALIDATION_FAILED',
      );
      expect(await refused({ rules: { increments: [{ from: 0, increment: 10 }], minIncrement: 5 } })).toBe(
        'VALIDATION_FAILED',
      );
      expect(await refused({ rules: {}, from: at(10).toISOString(), to: at(0).toISOString() })).toBe(
        'VALIDATION_FAILED',
      );
      expect(await refused({ rules: {}, auctionIds: [ids.a1], from: at(0).toISOString() })).toBe(
        'VALIDATION_FAILED',
      );
      expect(await refused({ rules: {}, auctionIds: ['nope'] })).toBe('VALIDATION_FAILED');
      expect(await refused({ rules: {}, auctionIds: Array.from({ length: 1001 }, () => randomUUID()) })).toBe(
        'VALIDATION_FAILED',
      );
      expect(await refused({ rules: {} }, 403, bidder.token)).toBe('FORBIDDEN');

      // A range with more closed auctions than one request replays: refused, nothing read.
      const db = new Client({ connectionString: t.databaseUrl });
      await db.connect();
      try {
        await db.query(`INSERT INTO analytics_auctions
          SELECT gen_random_uuid(), 1, '{}'::jsonb, 'EUR', 'closed', '2030-01-01T00:00:00Z', 'no_bids', NULL, 0, 0, 0, 0, '{}'
          FROM generate_series(1, 10001)`);
        const code = await refused(
          { rules: {}, from: '2029-12-31T00:00:00Z', to: '2030-01-02T00:00:00Z' },
          422,
        );
        expect(code).toBe('TOO_MANY_AUCTIONS');
      } finally {
        await db.query(`DELETE FROM analytics_auctions WHERE ended_at = '2030-01-01T00:00:00Z'`);
        await db.end();
      }
    });
  });
});
