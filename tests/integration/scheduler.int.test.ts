import { type RecordedEvent } from '../../src/events';
import { auctionStreamId, type AuctionClosed } from '../../src/auction';
import { waitUntil } from '../support/readModelSnapshot';
import { call, createAuction, deleteKeys, registerUser, startTestApp } from '../support/testApp';
import { connectWs } from '../support/wsClient';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
const fast = { SCHEDULER_SWEEP_SECONDS: '1' };
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

async function closedEvents(t: TestApp, auctionId: string): Promise<RecordedEvent[]> {
  return (await t.app.eventStore.readStream(auctionStreamId(auctionId))).filter(
    (e) => e.type === 'AuctionClosed',
  );
}

async function waitForClose(t: TestApp, auctionId: string, timeoutMs = 10_000) {
  await waitUntil(
    async () => (await closedEvents(t, auctionId)).length > 0,
    timeoutMs,
    `close of ${auctionId}`,
  );
  const stream = await t.app.eventStore.readStream(auctionStreamId(auctionId));
  const endsAt = stream.reduce(
    (end, e) =>
      e.type === 'AuctionCreated' || e.type === 'AuctionExtended'
        ? Date.parse((e.data as { endsAt: string }).endsAt)
        : end,
    0,
  );
  const closed = stream.filter((e) => e.type === 'AuctionClosed');
  return {
    closed,
    data: closed[0]!.data as AuctionClosed,
    endsAt,
    // When the close was decided (the worker's clock, what the scheduler controls)...
    delayMs: Date.parse((closed[0]!.data as AuctionClosed).closedAt) - endsAt,
    // ...and when the store recorded it (its own clock: a close before the end would show here).
    recordedAfterEndMs: closed[0]!.recordedAt.getTime() - endsAt,
  };
}

describe('closing on time', () => {
  let t: TestApp;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  let alice: Awaited<ReturnType<typeof registerUser>>;
  let bob: Awaited<ReturnType<typeof registerUser>>;
  beforeAll(async () => {
    t = await startTestApp({ label: 'scheduler', env: fast });
    [seller, alice, bob] = await Promise.all([
      registerUser(t.url, 'seller'),
      registerUser(t.url, 'alice'),
      registerUser(t.url, 'bob'),
    ]);
  });
  afterAll(() => t.stop());

  it('closes within a second of the end, exactly once, with the right outcome; everywhere', async () => {
    const sold = await createAuction(t.url, seller.token, { endsAt: inMs(2000), reservePrice: 1500 });
    const notMet = await createAuction(t.url, seller.token, { endsAt: inMs(2000), reservePrice: 5000 });
    const noBids = await createAuction(t.url, seller.token, { endsAt: inMs(2000) });
    const watcher = await connectWs(t.url);
    watcher.send({ type: 'subscribe', auctionId: sold });
    await call(t.url, 'POST', `/auctions/${sold}/bids`, { token: alice.token, body: { amount: 1000 } });
    await call(t.url, 'POST', `/auctions/${sold}/bids`, { token: bob.token, body: { amount: 1600 } });
    await call(t.url, 'POST', `/auctions/${notMet}/bids`, { token: alice.token, body: { amount: 1200 } });

    const results = await Promise.all([sold, notMet, noBids].map((id) => waitForClose(t, id)));
    for (const r of results) {
      expect(r.closed).toHaveLength(1);
      expect(r.recordedAfterEndMs).toBeGreaterThanOrEqual(0);
      expect(r.delayMs).toBeLessThan(1000);
    }
    expect(results[0]!.data).toMatchObject({ outcome: 'sold', winnerId: bob.userId, finalPrice: 1600 });
    expect(results[1]!.data).toMatchObject({ outcome: 'reserve_not_met', winnerId: null, finalPrice: null });
    expect(results[2]!.data).toMatchObject({ outcome: 'no_bids', winnerId: null, finalPrice: null });

    const head = (await t.app.eventStore.headPosition())!;
    const view = await call(t.url, 'GET', `/auctions/${sold}`, { headers: { 'X-Min-Position': head } });
    expect(view.body).toMatchObject({
      status: 'closed',
      outcome: 'sold',
      winnerId: bob.userId,
      finalPrice: 1600,
    });
    const bobs = await call(t.url, 'GET', '/me/bids', {
      token: bob.token,
      headers: { 'X-Min-Position': head },
    });
    expect(bobs.body.items).toContainEqual(expect.objectContaining({ auctionId: sold, state: 'won' }));
    const alices = await call(t.url, 'GET', '/me/bids', {
      token: alice.token,
      headers: { 'X-Min-Position': head },
    });
    expect(alices.body.items).toContainEqual(expect.objectContaining({ auctionId: sold, state: 'lost' }));
    expect(alices.body.items).toContainEqual(expect.objectContaining({ auctionId: notMet, state: 'lost' }));
    await watcher.until((m) => m.some((x) => x.event?.type === 'AuctionClosed'));
    expect(watcher.messages.find((x) => x.event?.type === 'AuctionClosed')!.auction).toMatchObject({
      status: 'closed',
      outcome: 'sold',
    });
    watcher.close();
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/auction_close_delay_seconds_count \d+/);
  });

  it('a bid in the soft-close window extends it; the close happens at the new end, not the old', async () => {
    const auctionId = await createAuction(t.url, seller.token, {
      endsAt: inMs(1500),
      softClose: { windowSeconds: 5, extensionSeconds: 3 },
    });
    const res = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: alice.token,
      body: { amount: 1000 },
    });
    const newEnd = Date.parse(res.body.endsAt as string);
    await new Promise((r) => setTimeout(r, 2000)); // past the old end
    expect(await closedEvents(t, auctionId)).toHaveLength(0);
    const r = await waitForClose(t, auctionId);
    expect(r.endsAt).toBe(newEnd);
    expect(r.closed).toHaveLength(1);
    expect(r.delayMs).toBeLessThan(1000);
  });

  it('a Redis that lost its jobs before the end: the sweep still closes the auction', async () => {
    const auctionId = await createAuction(t.url, seller.token, { endsAt: inMs(1500) });
    await new Promise((r) => setTimeout(r, 300)); // the job is planned
    await deleteKeys(t.redisKeyPrefix); // FLUSHALL, for this app's keys
    const r = await waitForClose(t, auctionId, 15_000);
    expect(r.closed).toHaveLength(1);
  });
});

it('a server down between creation and end closes the auction when it is back', async () => {
  const a = await startTestApp({ label: 'scheduler_restart', env: fast });
  const seller = await registerUser(a.url, 'seller');
  const auctionId = await createAuction(a.url, seller.token, { endsAt: inMs(1500) });
  await new Promise((r) => setTimeout(r, 200));
  await a.app.stop(); // the database stays
  await new Promise((r) => setTimeout(r, 2500)); // the end passes while nothing runs
  const b = await startTestApp({ databaseUrl: a.databaseUrl, env: fast });
  try {
    const r = await waitForClose(b, auctionId, 15_000);
    expect(r.closed).toHaveLength(1);
    expect(r.data.outcome).toBe('no_bids');
  } finally {
    await b.stop();
  }
});

it('two instances, 200 auctions ending within the same second: one close each, p99 delay under 1 s', async () => {
  const a = await startTestApp({ label: 'scheduler_many', env: fast });
  const b = await startTestApp({ databaseUrl: a.databaseUrl, env: fast });
  try {
    const seller = await registerUser(a.url, 'seller');
    const end = Date.now() + 4000;
    const ids: string[] = [];
    for (let i = 0; i < 200; i += 20) {
      ids.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, (_, k) =>
            createAuction(i % 40 ? a.url : b.url, seller.token, {
              endsAt: new Date(end + (((i + k) * 997) % 1000)).toISOString(),
            }),
          ),
        )),
      );
    }
    expect(Date.now()).toBeLessThan(end); // all planned before the first end
    // One read of every stream at a time: 200 pollers of their own would load the very process
    // whose timing is measured (the delay is the decider's clock, closedAt - endsAt).
    await waitUntil(
      async () => {
        const streams = await a.app.eventStore.readStreams(ids.map(auctionStreamId));
        return [...streams.values()].every((events) => events.some((e) => e.type === 'AuctionClosed'));
      },
      20_000,
      'every close',
    );
    const results = await Promise.all(ids.map((id) => waitForClose(a, id, 1_000)));
    for (const r of results) expect(r.closed).toHaveLength(1);
    const delays = results.map((r) => r.delayMs).sort((x, y) => x - y);
    const p99 = delays[Math.floor(delays.length * 0.99) - 1]!;
    expect(Math.min(...results.map((r) => r.recordedAfterEndMs))).toBeGreaterThanOrEqual(0);
    expect(p99).toBeLessThan(1000);
  } finally {
    await b.stop();
    await a.stop();
  }
});
