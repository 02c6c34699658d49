import { POSTGRES_PROJECTION, REDIS_PROJECTION, NOTIFICATIONS_PROJECTION } from '../../src/projections';
import { call, createAuction, registerUser, startTestApp } from '../support/testApp';

/**
 * PROJECTOR_THREAD=worker (what `npm start` runs): the read models and the scheduler run on a
 * thread of their own. The main thread's health, metrics and runners see them; a thread that dies
 * is restarted and its projections carry on from their checkpoints.
 */
describe('the projector thread', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  let bidder: Awaited<ReturnType<typeof registerUser>>;
  let rival: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    t = await startTestApp({ label: 'thread', env: { PROJECTOR_THREAD: 'worker' } });
    seller = await registerUser(t.url, 'seller');
    bidder = await registerUser(t.url, 'bidder');
    rival = await registerUser(t.url, 'rival');
  });
  afterAll(() => t.stop());

  /** A bid, then the PostgreSQL read model's list of bids read at its position. */
  async function bidAndReadBack(auctionId: string, amount: number, by = bidder) {
    const bid = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: by.token,
      body: { amount },
    });
    expect(bid.status).toBe(201);
    const bids = await call(t.url, 'GET', `/auctions/${auctionId}/bids`, {
      headers: { 'X-Min-Position': bid.body.position as string },
    });
    expect(bids.status).toBe(200);
    return bids.body;
  }

  it('runs the projections there: reads follow the log, health and metrics report them', async () => {
    expect(t.app.projectorThread?.thread()).toBeDefined();
    const auctionId = await createAuction(t.url, seller.token);
    const bids = await bidAndReadBack(auctionId, 1000);
    expect((bids.items as Array<{ amount: number }>).map((b) => b.amount)).toEqual([1000]);

    const ready = await call(t.url, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    const checks = ready.body.checks as Record<string, { status: string; state?: string }>;
    for (const name of [
      POSTGRES_PROJECTION,
      REDIS_PROJECTION,
      NOTIFICATIONS_PROJECTION,
      'analytics',
      'scheduler',
    ])
      expect(checks[`projection:${name}`]).toMatchObject({ status: 'ok', state: 'running' });
    expect(checks.schedulerQueue).toMatchObject({ status: 'ok' });

    const statuses = await Promise.all(t.app.projections.map((p) => p.status()));
    expect(statuses.map((s) => [s.name, s.state]).sort()).toEqual(
      [
        POSTGRES_PROJECTION,
        REDIS_PROJECTION,
        NOTIFICATIONS_PROJECTION,
        'analytics',
        'sales',
        'scheduler',
        'sale-process',
        'suspension-process',
        'invoices',
        'after-hammer-process',
      ]
        .map((n) => [n, 'running'])
        .sort(),
    );

    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const count = (name: string) =>
      Number(/(\d+)$/.exec(metrics.split('\n').find((l) => l.startsWith(name)) ?? '')?.[1] ?? NaN);
    expect(count(`projection_lag_seconds_count{projection="${REDIS_PROJECTION}"}`)).toBeGreaterThan(0);
    // The last minute's quantiles, from the thread's window: present once, in seconds, in order.
    const quantile = (q: string) =>
      metrics
        .split('\n')
        .filter((l) =>
          l.startsWith(`projection_lag_quantiles_seconds{projection="${REDIS_PROJECTION}",quantile="${q}"}`),
        )
        .map((l) => Number(l.split(' ').pop()));
    const [p50, p99] = [quantile('0.5'), quantile('0.99')];
    expect(p50).toHaveLength(1);
    expect(p99).toHaveLength(1);
    expect(p50[0]).toBeGreaterThanOrEqual(0);
    expect(p99[0]).toBeGreaterThanOrEqual(p50[0]!);
    expect(p99[0]).toBeLessThan(60);
    // Process metrics once for the process, not once per thread.
    expect(metrics.split('\n').filter((l) => l.startsWith('process_resident_memory_bytes '))).toHaveLength(1);
  });

  it('restarts a thread that died; meanwhile readiness fails, afterwards nothing is lost', async () => {
    const auctionId = await createAuction(t.url, seller.token);
    const before = t.app.projectorThread!.thread()!;
    await before.terminate();

    const notReady = await call(t.url, 'GET', '/health/ready');
    expect(notReady.status).toBe(503);
    // A bid while no projection runs is acknowledged: it is in the log.
    const bid = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: bidder.token,
      body: { amount: 1000 },
    });
    expect(bid.status).toBe(201);

    const deadline = Date.now() + 15_000;
    while ((await call(t.url, 'GET', '/health/ready')).status !== 200) {
      if (Date.now() > deadline) throw new Error('the projector thread did not come back');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(t.app.projectorThread!.thread()).not.toBe(before);
    const bids = await bidAndReadBack(auctionId, 1100, rival);
    expect((bids.items as Array<{ amount: number }>).map((b) => b.amount).sort()).toEqual([1000, 1100]);
  });
});
