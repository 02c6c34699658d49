import { randomUUID } from 'node:crypto';
import { call, createAuction, registerUser, startTestApp } from '../support/testApp';

/** api.md v1.1 "HTTP semantics", tried the way a client of a well-known public API would. */
describe('HTTP semantics', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  let alice: Awaited<ReturnType<typeof registerUser>>;
  let bob: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    t = await startTestApp({ label: 'http_semantics' });
    [seller, alice, bob] = await Promise.all([
      registerUser(t.url, 'seller'),
      registerUser(t.url, 'alice'),
      registerUser(t.url, 'bob'),
    ]);
  });
  afterAll(() => t.stop());

  it('refuses a JSON route called with another Content-Type: 415, nothing recorded', async () => {
    const auctionId = await createAuction(t.url, seller.token);
    const res = await fetch(`${t.url}/auctions/${auctionId}/bids`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'text/plain' },
      body: '{"amount":1000}',
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await res.json()).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      type: '/problems/UNSUPPORTED_MEDIA_TYPE',
    });
    expect(await t.app.eventStore.readStream(`auction-${auctionId}`)).toHaveLength(1);
    // A body-less cancel needs no Content-Type.
    const cancel = await fetch(`${t.url}/auctions/${auctionId}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${seller.token}` },
    });
    expect(cancel.status).toBe(200);
  });

  it('answers a known path with a method it does not have 405 with Allow, and OPTIONS with Allow', async () => {
    const auctionId = randomUUID();
    const del = await call(t.url, 'DELETE', `/auctions/${auctionId}`);
    expect(del.status).toBe(405);
    expect(del.body).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    expect(del.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    const options = await fetch(`${t.url}/auctions`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
    const put = await call(t.url, 'PUT', '/auctions', { body: {} });
    expect(put.status).toBe(405);
    expect((await call(t.url, 'DELETE', '/no/such/path')).status).toBe(404);
  });

  it('answers a malformed id in a path 400 naming it, an unknown one 404', async () => {
    const bad = await call(t.url, 'GET', '/auctions/not-a-uuid/bids');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'path.id' }] });
    const badBid = await call(t.url, 'GET', `/auctions/${randomUUID()}/bids/nope`);
    expect(badBid.body.errors).toEqual([expect.objectContaining({ field: 'path.bidId' })]);
    expect((await call(t.url, 'GET', `/auctions/${randomUUID()}`)).status).toBe(404);
  });

  it('puts Location on 201s, and the bid behind it answers 200 at once', async () => {
    const created = await call(t.url, 'POST', '/auctions', {
      token: seller.token,
      body: {
        title: 'Located',
        currency: 'EUR',
        startingPrice: 100,
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expect(created.headers.get('location')).toBe(`/auctions/${created.body.auctionId as string}`);
    const auctionId = created.body.auctionId as string;
    const bid = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: alice.token,
      body: { amount: 100 },
    });
    const location = bid.headers.get('location')!;
    expect(location).toBe(`/auctions/${auctionId}/bids/${bid.body.bidId as string}`);
    // Followed at once, without X-Min-Position: it waits for the read model rather than 404.
    const followed = await call(t.url, 'GET', location);
    expect(followed.status).toBe(200);
    expect(followed.body).toMatchObject({
      bidId: bid.body.bidId,
      bidderId: alice.userId,
      amount: 100,
      auto: false,
    });
    const missing = await call(t.url, 'GET', `/auctions/${auctionId}/bids/${randomUUID()}`);
    expect(missing.body).toMatchObject({ status: 404, code: 'BID_NOT_FOUND' });
    // A raise of one's own ceiling is not a bid anyone can list: its Location is the auction.
    const raise = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: alice.token,
      body: { amount: 200, maxAmount: 900 },
    });
    expect(raise.headers.get('location')).toBe(`/auctions/${auctionId}`);
    expect(
      (await call(t.url, 'GET', `/auctions/${auctionId}/bids/${raise.body.bidId as string}`)).status,
    ).toBe(404);
  });

  it('gives GET /auctions/:id an ETag that changes with the revision and the viewer; If-None-Match answers 304', async () => {
    const auctionId = await createAuction(t.url, seller.token, { reservePrice: 5000 });
    const first = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: alice.token,
      body: { amount: 1000 },
    });
    const sync = { 'X-Min-Position': first.body.position as string };
    const get = (headers: Record<string, string>, token?: string) =>
      fetch(`${t.url}/auctions/${auctionId}`, {
        headers: { ...sync, ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
    const anonymous = await get({});
    const etag = anonymous.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    for (let i = 0; i < 3; i++) {
      // The hot lane (memory) and the express path agree on the tag.
      const again = await get({ 'If-None-Match': etag });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
    }
    expect((await get({ 'If-None-Match': `W/${etag}, "other"` })).status).toBe(304);
    const asSeller = await get({}, seller.token);
    const sellerTag = asSeller.headers.get('etag')!;
    expect(sellerTag).not.toBe(etag); // the seller sees the reserve
    expect((await get({ 'If-None-Match': etag }, seller.token)).status).toBe(200);
    expect((await get({ 'If-None-Match': sellerTag }, seller.token)).status).toBe(304);
    const asLeader = await get({}, alice.token);
    expect(asLeader.headers.get('etag')).not.toBe(etag); // the leader sees their ceiling
    const next = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: bob.token,
      body: { amount: 1100 },
    });
    const changed = await fetch(`${t.url}/auctions/${auctionId}`, {
      headers: { 'X-Min-Position': next.body.position as string, 'If-None-Match': etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('marks a replayed idempotent request Idempotent-Replayed: true, and the first reply not', async () => {
    const auctionId = await createAuction(t.url, seller.token);
    const send = () =>
      call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
        token: bob.token,
        body: { amount: 1000 },
        headers: { 'Idempotency-Key': 'replay-me' },
      });
    const first = await send();
    const again = await send();
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
  });

  it('serves the page a problem type links to', async () => {
    const problem = await call(t.url, 'GET', `/auctions/${randomUUID()}`);
    const page = await fetch(`${t.url}${problem.body.type as string}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/AUCTION_NOT_FOUND[\s\S]*What to do/);
    expect((await call(t.url, 'GET', '/problems/NO_SUCH_CODE')).status).toBe(404);
    expect((await call(t.url, 'GET', '/problems/<script>')).status).toBe(400);
  });

  it('pages /me/bids with limit and cursor, latest first', async () => {
    const carol = await registerUser(t.url, 'carol');
    const ids: string[] = [];
    let position = '';
    for (let i = 0; i < 5; i++) {
      const auctionId = await createAuction(t.url, seller.token);
      const placed = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
        token: carol.token,
        body: { amount: 1000 },
      });
      position = placed.body.position as string;
      ids.unshift(auctionId);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof call>> = await call(
        t.url,
        'GET',
        `/me/bids?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: carol.token, headers: { 'X-Min-Position': position } },
      );
      expect(page.status).toBe(200);
      expect((page.body.items as unknown[]).length).toBeLessThanOrEqual(2);
      seen.push(...(page.body.items as Array<{ auctionId: string }>).map((i) => i.auctionId));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(ids);
    const bad = await call(t.url, 'GET', '/me/bids?cursor=garbage', { token: carol.token });
    expect(bad.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });
});
