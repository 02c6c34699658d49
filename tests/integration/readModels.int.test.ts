import { randomUUID } from 'node:crypto';
import { getTokenIssuer } from '../../src/auth';
import { waitUntil } from '../support/readModelSnapshot';
import {
  TEST_JWT_SECRET,
  call,
  createAuction,
  inSeconds,
  registerUser,
  startTestApp,
  type Reply,
} from '../support/testApp';

describe('read models and query routes', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  let alice: Awaited<ReturnType<typeof registerUser>>;
  let bob: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    t = await startTestApp({ label: 'read_models' });
    [seller, alice, bob] = await Promise.all([
      registerUser(t.url, 'seller'),
      registerUser(t.url, 'alice'),
      registerUser(t.url, 'bob'),
    ]);
  });
  afterAll(() => t.stop());

  const get = (path: string, options: { token?: string; minPosition?: string } = {}) =>
    call(t.url, 'GET', path, {
      token: options.token,
      headers: options.minPosition ? { 'X-Min-Position': options.minPosition } : {},
    });
  const bid = (auctionId: string, token: string, body: unknown) =>
    call(t.url, 'POST', `/auctions/${auctionId}/bids`, { token, body });

  it('reads its own writes: a reply position sent as X-Min-Position always shows the bid', async () => {
    const auctionId = await createAuction(t.url, seller.token, { minIncrement: 10 });
    for (let i = 0; i < 15; i++) {
      const user = i % 2 ? alice : bob;
      const placed = await bid(auctionId, user.token, { amount: 1000 + i * 10 });
      expect(placed.status).toBe(201);
      const position = placed.body.position as string;
      const [view, bids, mine] = await Promise.all([
        get(`/auctions/${auctionId}`, { minPosition: position }),
        get(`/auctions/${auctionId}/bids?limit=1`, { minPosition: position }),
        get('/me/bids', { token: user.token, minPosition: position }),
      ]);
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ currentPrice: 1000 + i * 10, leadingBidderId: user.userId });
      expect(view.body.revision as number).toBeGreaterThanOrEqual(placed.body.revision as number);
      expect((view.headers.get('X-Projection-Position') ?? '') >= position).toBe(true);
      expect((bids.body.items as Array<{ bidId: string }>)[0]!.bidId).toBe(placed.body.bidId);
      expect(bids.headers.get('X-Projection-Position')! >= position).toBe(true);
      expect(mine.body.items).toContainEqual(
        expect.objectContaining({ auctionId, state: 'leading', myHighestBid: 1000 + i * 10 }),
      );
    }
  });

  it('the hot route answers watchers from memory and follows the change feed', async () => {
    const auctionId = await createAuction(t.url, seller.token);
    const first = await bid(auctionId, alice.token, { amount: 1000 });
    const warm = await get(`/auctions/${auctionId}`, { minPosition: first.body.position as string });
    expect(warm.body).toMatchObject({ currentPrice: 1000 });
    const cached = await get(`/auctions/${auctionId}`);
    expect(cached.headers.get('content-type')).toMatch(/application\/json/);
    expect(cached.body).toEqual(warm.body);
    // A later bid reaches the watcher without any hint from the client.
    await bid(auctionId, bob.token, { amount: 1100 });
    const deadline = Date.now() + 5000;
    let seen = cached;
    while (seen.body.currentPrice !== 1100 && Date.now() < deadline)
      seen = await get(`/auctions/${auctionId}`);
    expect(seen.body).toMatchObject({ currentPrice: 1100, leadingBidderId: bob.userId, bidCount: 2 });
    expect(seen.body).not.toHaveProperty('reservePrice');
    expect(seen.headers.get('X-Projection-Position')).toMatch(/^\d{20}-\d{20}$/);
  });

  it('shows the reserve to the seller only', async () => {
    const auctionId = await createAuction(t.url, seller.token, { reservePrice: 5000 });
    const created = await bid(auctionId, alice.token, { amount: 1000 });
    const minPosition = created.body.position as string;
    const forSeller = await get(`/auctions/${auctionId}`, { token: seller.token, minPosition });
    const forAlice = await get(`/auctions/${auctionId}`, { token: alice.token, minPosition });
    const forAnyone = await get(`/auctions/${auctionId}`, { minPosition });
    expect(forSeller.body).toMatchObject({ reservePrice: 5000, reserveMet: false });
    for (const r of [forAlice, forAnyone]) {
      expect(r.body).not.toHaveProperty('reservePrice');
      expect(JSON.stringify(r.body)).not.toMatch(/[:[,]5000[,}\]]/); // no number field carries the reserve
      expect(r.body.reserveMet).toBe(false);
    }
    const list = await get(`/auctions?sellerId=${seller.userId}&limit=100`, {
      token: alice.token,
      minPosition,
    });
    expect(JSON.stringify(list.body)).not.toContain('reservePrice');
    const sellersList = await get(`/auctions?sellerId=${seller.userId}&limit=100`, {
      token: seller.token,
      minPosition,
    });
    expect(sellersList.body.items).toContainEqual(expect.objectContaining({ auctionId, reservePrice: 5000 }));
  });

  it('lists with filters, sorts and cursor pagination', async () => {
    const owner = await registerUser(t.url, 'lister');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await createAuction(t.url, owner.token, { endsAt: inSeconds(1000 + i * 100) }));
    const scheduled = await call(t.url, 'POST', '/auctions', {
      token: owner.token,
      body: {
        title: 'Later',
        currency: 'EUR',
        startingPrice: 1,
        startsAt: inSeconds(500),
        endsAt: inSeconds(900),
      },
    });
    const cancelled = await createAuction(t.url, owner.token);
    const last = await call(t.url, 'POST', `/auctions/${cancelled}/cancel`, { token: owner.token, body: {} });
    const minPosition = last.body.position as string;

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Reply = await get(
        `/auctions?sellerId=${owner.userId}&status=open&sort=endingSoon&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { minPosition },
      );
      expect(page.status).toBe(200);
      pages.push(...(page.body.items as Array<{ auctionId: string }>).map((a) => a.auctionId));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(pages).toEqual(ids);

    const newest = await get(`/auctions?sellerId=${owner.userId}&sort=newest&limit=100`, { minPosition });
    expect((newest.body.items as Array<{ auctionId: string }>).map((a) => a.auctionId)).toEqual([
      cancelled,
      scheduled.body.auctionId,
      ...[...ids].reverse(),
    ]);
    const sched = await get(`/auctions?sellerId=${owner.userId}&status=scheduled`, { minPosition });
    expect(sched.body.items).toEqual([
      expect.objectContaining({ auctionId: scheduled.body.auctionId, status: 'scheduled' }),
    ]);
    const canc = await get(`/auctions?sellerId=${owner.userId}&status=cancelled`, { minPosition });
    expect(canc.body.items).toEqual([expect.objectContaining({ auctionId: cancelled, status: 'cancelled' })]);
  });

  it.each([
    ['/auctions?limit=0', 'query.limit'],
    ['/auctions?limit=101', 'query.limit'],
    ['/auctions?limit=ten', 'query.limit'],
    ['/auctions?status=gone', 'query.status'],
    ['/auctions?sort=random', 'query.sort'],
    ['/auctions?sellerId=1%27%20OR%201=1', 'query.sellerId'],
    ['/auctions?cursor=bm90LWEtY3Vyc29y', 'query.cursor'],
    ['/auctions?limit=1&limit=2', 'query.limit'],
    ['/auctions?unknown=1', 'query.unknown'],
  ])('refuses %s naming %s', async (path, field) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field);
  });

  it('answers 404 for unknown auctions, 400 for a bad X-Min-Position, 503 when the read model cannot catch up', async () => {
    expect((await get(`/auctions/${randomUUID()}`)).body.code).toBe('AUCTION_NOT_FOUND');
    expect((await get('/auctions/not-a-uuid')).body).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    expect((await get(`/auctions/${randomUUID()}/bids`)).status).toBe(404);
    const bad = await get('/auctions', { minPosition: "1' OR 1=1" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'header.X-Min-Position' })]);
    const started = Date.now();
    const far = await get('/auctions', { minPosition: '10000000000000000000-00000000000000000001' });
    expect(far.status).toBe(503);
    expect(far.body.code).toBe('PROJECTION_LAGGING');
    expect(far.headers.get('Retry-After')).toBe('1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
  });

  describe('history for analysts', () => {
    let analystToken: string;
    beforeAll(() => {
      analystToken = getTokenIssuer(TEST_JWT_SECRET, 600).issue({
        sub: randomUUID(),
        roles: ['bidder', 'analyst'],
      });
    });

    it('needs the analyst role', async () => {
      const auctionId = await createAuction(t.url, seller.token);
      expect((await get(`/auctions/${auctionId}/events`)).status).toBe(401);
      const forbidden = await get(`/auctions/${auctionId}/events`, { token: alice.token });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.code).toBe('FORBIDDEN');
      expect((await get('/events', { token: alice.token })).status).toBe(403);
      expect((await get(`/auctions/${auctionId}/state`, { token: alice.token })).status).toBe(403);
    });

    it('returns the stream and the state at a time or a revision (time travel)', async () => {
      const auctionId = await createAuction(t.url, seller.token);
      await bid(auctionId, alice.token, { amount: 1000 });
      await new Promise((r) => setTimeout(r, 50));
      const between = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 50));
      await bid(auctionId, bob.token, { amount: 1500 });

      const events = await get(`/auctions/${auctionId}/events`, { token: analystToken });
      expect(
        (events.body.items as Array<{ type: string; revision: number }>).map((e) => [e.type, e.revision]),
      ).toEqual([
        ['AuctionCreated', 0],
        ['BidPlaced', 1],
        ['BidPlaced', 2],
      ]);
      const then = await get(`/auctions/${auctionId}/state?at=${encodeURIComponent(between)}`, {
        token: analystToken,
      });
      expect(then.status).toBe(200);
      expect(then.body).toMatchObject({
        currentPrice: 1000,
        leadingBidderId: alice.userId,
        bidCount: 1,
        revision: 1,
      });
      const atRevision = await get(`/auctions/${auctionId}/state?revision=0`, { token: analystToken });
      expect(atRevision.body).toMatchObject({ currentPrice: null, bidCount: 0, revision: 0 });
      const now = await get(`/auctions/${auctionId}/state`, { token: analystToken });
      expect(now.body).toMatchObject({ currentPrice: 1500, leadingBidderId: bob.userId });
      const before = await get(`/auctions/${auctionId}/state?at=2000-01-01T00:00:00Z`, {
        token: analystToken,
      });
      expect(before.status).toBe(404);
      const both = await get(`/auctions/${auctionId}/state?at=${encodeURIComponent(between)}&revision=1`, {
        token: analystToken,
      });
      expect(both.status).toBe(400);
    });

    it('streams the global log as NDJSON, filtered and limited', async () => {
      const auctionId = await createAuction(t.url, seller.token);
      const first = await bid(auctionId, alice.token, { amount: 1000 });
      await bid(auctionId, bob.token, { amount: 1100 });
      // The global log shows an event once every transaction before it on the PostgreSQL cluster
      // has ended (other test files write to the same cluster): read until the bid is there.
      let lines: Array<{ position: string }> = [];
      await waitUntil(async () => {
        const res = await fetch(`${t.url}/events?after=${first.body.position}&types=BidPlaced&limit=5`, {
          headers: { authorization: `Bearer ${analystToken}` },
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
        lines = (await res.text())
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { position: string });
        return lines.length > 0;
      }, 5000);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(5);
      for (const line of lines)
        expect(line).toMatchObject({
          type: 'BidPlaced',
          stream: expect.any(String),
          position: expect.any(String),
        });
      expect(lines[0]!.position > (first.body.position as string)).toBe(true);
      const all = await fetch(`${t.url}/events?limit=3`, {
        headers: { authorization: `Bearer ${analystToken}` },
      });
      expect((await all.text()).trim().split('\n')).toHaveLength(3);
      for (const bad of ['after=nope', 'types=Nope', 'limit=0']) {
        expect((await get(`/events?${bad}`, { token: analystToken })).status).toBe(400);
      }
    });
  });
});
