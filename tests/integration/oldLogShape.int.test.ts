import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { auctionStreamId } from '../../src/auction';
import { getTokenIssuer } from '../../src/auth';
import { createKnex, REWRITTEN_ROWS_FILLFACTOR } from '../../src/platform';
import { rebuildPostgresReadModel, rebuildRedisReadModel } from '../../src/projections';
import { snapshotPostgres, waitUntil } from '../support/readModelSnapshot';
import { connectWs } from '../support/wsClient';
import { TEST_JWT_SECRET, call, registerUser, startTestApp } from '../support/testApp';

/**
 * A log written before MaxBidRaised existed: the leader's own bid was stored as a BidPlaced that
 * did not move the price. Every reader must see it in today's shape (a private MaxBidRaised),
 * and read models rebuilt from that log must agree with it.
 */
describe('a log in the old shape (a leader raising their ceiling stored as BidPlaced)', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  let alice: Awaited<ReturnType<typeof registerUser>>;
  let bob: Awaited<ReturnType<typeof registerUser>>;
  let auctionId: string;
  let analystToken: string;
  const iso = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    t = await startTestApp({ label: 'old_log_shape' });
    [seller, alice, bob] = await Promise.all([
      registerUser(t.url, 'seller'),
      registerUser(t.url, 'alice'),
      registerUser(t.url, 'bob'),
    ]);
    analystToken = getTokenIssuer(TEST_JWT_SECRET, 600).issue({ sub: randomUUID(), roles: ['analyst'] });
    auctionId = randomUUID();
    const now = Date.now();
    const meta = (userId: string) => ({ commandId: randomUUID(), userId, correlationId: randomUUID() });
    const bid = (bidderId: string, amount: number, maxAmount: number, at: number) => ({
      type: 'BidPlaced',
      data: { bidId: randomUUID(), bidderId, amount, maxAmount, auto: false, placedAt: iso(at) },
      metadata: { ...meta(bidderId), commandType: 'PlaceBid' },
    });
    // As the decider of before wrote it: alice leads at 1000 (ceiling 2000), then bids 1100 and
    // 1200 with a ceiling of 9000 herself: two BidPlaced events that only raised her ceiling.
    await t.app.eventStore.appendToStream(
      auctionStreamId(auctionId),
      [
        {
          type: 'AuctionCreated',
          data: {
            auctionId,
            sellerId: seller.userId,
            title: 'Old shape',
            description: '',
            currency: 'EUR',
            startingPrice: 1000,
            reservePrice: null,
            minIncrement: 100,
            startsAt: iso(now - 60_000),
            endsAt: iso(now + 3_600_000),
            softClose: null,
            createdAt: iso(now - 60_000),
          },
          metadata: { ...meta(seller.userId), commandType: 'CreateAuction' },
        },
        bid(alice.userId, 1000, 2000, now - 50_000),
        bid(alice.userId, 1100, 2000, now - 40_000),
        bid(alice.userId, 1200, 9000, now - 30_000),
      ],
      { expectedRevision: 'no_stream' },
    );
  });
  afterAll(() => t.stop());

  const viewOf = async (token?: string, revision = 3) => {
    let reply = await call(t.url, 'GET', `/auctions/${auctionId}`, { token });
    await waitUntil(async () => {
      reply = await call(t.url, 'GET', `/auctions/${auctionId}`, { token });
      return reply.status === 200 && (reply.body.revision as number) >= revision;
    });
    return reply.body;
  };

  it('the read models count one bid at 1000, and only alice sees her ceiling', async () => {
    expect(await viewOf()).toMatchObject({ bidCount: 1, currentPrice: 1000, leadingBidderId: alice.userId });
    expect((await viewOf()).myMaxAmount ?? null).toBeNull();
    expect(await viewOf(alice.token)).toMatchObject({ myMaxAmount: 9000 });
    expect(await viewOf(bob.token)).toMatchObject({ myMaxAmount: null });
    const bids = await call(t.url, 'GET', `/auctions/${auctionId}/bids`);
    expect((bids.body.items as Array<{ amount: number }>).map((b) => b.amount)).toEqual([1000]);
    const list = await call(t.url, 'GET', `/auctions?sellerId=${seller.userId}`);
    expect(JSON.stringify(list.body)).not.toContain('9000');
  });

  it('the analysts history shows MaxBidRaised (without the ceiling), and the state folds the same', async () => {
    const events = await call(t.url, 'GET', `/auctions/${auctionId}/events`, { token: analystToken });
    expect((events.body.items as Array<{ type: string }>).map((e) => e.type)).toEqual([
      'AuctionCreated',
      'BidPlaced',
      'MaxBidRaised',
      'MaxBidRaised',
    ]);
    expect(JSON.stringify(events.body)).not.toContain('9000');
    const state = await call(t.url, 'GET', `/auctions/${auctionId}/state?revision=3`, {
      token: analystToken,
    });
    expect(state.body).toMatchObject({ bidCount: 1, currentPrice: 1000 });
    const log = await fetch(`${t.url}/events?types=MaxBidRaised`, {
      headers: { authorization: `Bearer ${analystToken}` },
    });
    const lines = (await log.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { stream: string; type: string });
    expect(lines.filter((l) => l.stream === auctionStreamId(auctionId))).toHaveLength(2);
  });

  it('a watcher resuming from the start gets the bid and nothing of the raises', async () => {
    const watcher = await connectWs(t.url);
    try {
      watcher.send({ type: 'subscribe', auctionId, afterRevision: -1 });
      await watcher.until((m) => m.some((x) => x.type === 'subscribed'));
      await watcher.until(() => watcher.events(auctionId).length >= 2);
      await new Promise((r) => setTimeout(r, 200));
      expect(watcher.events(auctionId).map((e) => (e as { event: { type: string } }).event.type)).toEqual([
        'AuctionCreated',
        'BidPlaced',
      ]);
      expect(JSON.stringify(watcher.messages)).not.toContain('9000');
    } finally {
      watcher.close();
    }
  });

  it('the command side folds it the same: bob must beat 9000 to lead, and alice raising again is private', async () => {
    const outbid = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: bob.token,
      body: { amount: 5000 },
    });
    expect(outbid.body).toMatchObject({
      status: 'outbid',
      currentPrice: 5100,
      leadingBidderId: alice.userId,
    });
    const raise = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: alice.token,
      body: { amount: 5200, maxAmount: 12_000 },
    });
    expect(raise.status).toBe(201);
    expect(raise.body).toMatchObject({
      status: 'leading',
      amount: 5100,
      maxAmount: 12_000,
      currentPrice: 5100,
    });
    const stream = await t.app.eventStore.readStream(auctionStreamId(auctionId));
    expect(stream.at(-1)!.type).toBe('MaxBidRaised');
  });

  it('read models rebuilt from the log equal the live ones', async () => {
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    const knex = createKnex(t.databaseUrl, 2);
    try {
      const head = (await t.app.eventStore.headPosition())!;
      await waitUntil(async () => {
        const { rows } = await db.query(
          `SELECT position FROM projection_checkpoints WHERE name = 'postgres-read-model'`,
        );
        return (rows[0]?.position ?? '') >= head;
      });
      const live = await snapshotPostgres(knex, 'read_model');
      await rebuildPostgresReadModel(knex, t.app.eventStore);
      await rebuildRedisReadModel(t.app.redis, t.app.eventStore, t.redisKeyPrefix);
      expect(await snapshotPostgres(knex, 'read_model')).toEqual(live);
      // The tables whose rows every batch rewrites leave room for HOT updates, the rebuilt one too.
      const { rows: options } = await db.query(
        `SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE (n.nspname, c.relname) IN (('read_model', 'auctions'), ('public', 'notify_auctions'),
           ('public', 'analytics_auctions')) ORDER BY c.relname`,
      );
      expect(options.map((r: { reloptions: string[] }) => r.reloptions)).toEqual(
        Array(3).fill([`fillfactor=${REWRITTEN_ROWS_FILLFACTOR}`]),
      );
      // bob's bid and alice's automatic answer are bids; her raises are not.
      expect(await viewOf(undefined, 6)).toMatchObject({
        bidCount: 3,
        currentPrice: 5100,
        leadingBidderId: alice.userId,
      });
      expect(await viewOf(alice.token, 6)).toMatchObject({ myMaxAmount: 12_000 });
    } finally {
      await knex.destroy();
      await db.end();
    }
  });
});
