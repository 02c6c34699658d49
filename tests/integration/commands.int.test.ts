import { randomUUID } from 'node:crypto';
import { auctionStreamId } from '../../src/auction';
import { call, createAuction, inSeconds, registerUser, startTestApp } from '../support/testApp';

describe('command routes over HTTP', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  let alice: Awaited<ReturnType<typeof registerUser>>;
  let bob: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    t = await startTestApp({ label: 'commands' });
    [seller, alice, bob] = await Promise.all([
      registerUser(t.url, 'seller'),
      registerUser(t.url, 'alice'),
      registerUser(t.url, 'bob'),
    ]);
  });
  afterAll(() => t.stop());

  const streamOf = (auctionId: string) => t.app.eventStore.readStream(auctionStreamId(auctionId));
  const bidOn = (auctionId: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
    call(t.url, 'POST', `/auctions/${auctionId}/bids`, { token, body, headers });

  describe('POST /auctions', () => {
    it('creates an auction and answers with revision and position', async () => {
      const res = await call(t.url, 'POST', '/auctions', {
        token: seller.token,
        body: {
          title: 'Brass lamp',
          description: 'Works',
          currency: 'EUR',
          startingPrice: 1000,
          reservePrice: 5000,
          endsAt: inSeconds(600),
          softClose: { windowSeconds: 60, extensionSeconds: 120 },
        },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ auctionId: expect.any(String), revision: 0, position: expect.any(String) });
      const [event] = await streamOf(res.body.auctionId as string);
      expect(event).toMatchObject({
        type: 'AuctionCreated',
        data: {
          sellerId: seller.userId,
          reservePrice: 5000,
          minIncrement: null,
          softClose: { windowSeconds: 60 },
        },
        metadata: { userId: seller.userId, commandType: 'CreateAuction' },
      });
      expect(event!.position).toBe(res.body.position);
    });

    it('needs a token', async () => {
      const res = await call(t.url, 'POST', '/auctions', { body: { title: 'x' } });
      expect(res.status).toBe(401);
    });

    it.each([
      [{}, ['body.title', 'body.currency', 'body.startingPrice', 'body.endsAt']],
      [{ currency: 'eur' }, ['body.currency']],
      [{ currency: 'XYZ' }, ['body.currency']],
      [{ startingPrice: -1 }, ['body.startingPrice']],
      [{ startingPrice: 10.5 }, ['body.startingPrice']],
      [{ startingPrice: '1000' }, ['body.startingPrice']],
      [{ startingPrice: 2 ** 60 }, ['body.startingPrice']],
      [{ reservePrice: 999 }, ['body.reservePrice']],
      [{ minIncrement: 0 }, ['body.minIncrement']],
      [{ increments: [] }, ['body.increments']],
      [{ increments: [{ from: 100, increment: 10 }] }, ['body.increments']],
      [
        {
          increments: [
            { from: 0, increment: 10 },
            { from: 0, increment: 20 },
          ],
        },
        ['body.increments'],
      ],
      [{ increments: [{ from: 0, increment: 0 }] }, ['body.increments.0.increment']],
      [{ increments: [{ from: 0, increment: 10, extra: 1 }] }, ['body.increments.0.extra']],
      [{ increments: [{ from: 0, increment: 10 }], minIncrement: 5 }, ['body.increments']],
      [{ endsAt: 'tomorrow' }, ['body.endsAt']],
      [{ endsAt: inSeconds(-10) }, ['body.endsAt']],
      [{ endsAt: inSeconds(91 * 86400) }, ['body.endsAt']],
      [{ startsAt: inSeconds(7200) }, ['body.endsAt']],
      [{ title: '' }, ['body.title']],
      [{ title: '   ' }, ['body.title']],
      [{ title: 'x'.repeat(201) }, ['body.title']],
      [{ description: 'x'.repeat(5001) }, ['body.description']],
      [
        { softClose: { windowSeconds: 3601, extensionSeconds: 0 } },
        ['body.softClose.windowSeconds', 'body.softClose.extensionSeconds'],
      ],
      [{ sellerId: randomUUID() }, ['body.sellerId']],
    ])('refuses %j with VALIDATION_FAILED naming the fields', async (overrides, fields) => {
      const base = { title: 'Lamp', currency: 'EUR', startingPrice: 1000, endsAt: inSeconds(600) };
      const body = Object.keys(overrides).length === 0 ? {} : { ...base, ...overrides };
      const res = await call(t.url, 'POST', '/auctions', { token: seller.token, body });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      const named = new Set((res.body.errors as Array<{ field: string }>).map((e) => e.field));
      expect([...named].sort()).toEqual([...fields].sort());
    });

    it('is idempotent with an Idempotency-Key: one auction, the first reply', async () => {
      const key = randomUUID();
      const body = { title: 'Clock', currency: 'USD', startingPrice: 500, endsAt: inSeconds(600) };
      const first = await call(t.url, 'POST', '/auctions', {
        token: seller.token,
        body,
        headers: { 'Idempotency-Key': key },
      });
      const again = await call(t.url, 'POST', '/auctions', {
        token: seller.token,
        body,
        headers: { 'Idempotency-Key': key },
      });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(await streamOf(first.body.auctionId as string)).toHaveLength(1);
      const other = await call(t.url, 'POST', '/auctions', {
        token: seller.token,
        body: { ...body, title: 'Other' },
        headers: { 'Idempotency-Key': key },
      });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      // Another user with the same key gets an auction of their own.
      const theirs = await call(t.url, 'POST', '/auctions', {
        token: alice.token,
        body,
        headers: { 'Idempotency-Key': key },
      });
      expect(theirs.status).toBe(201);
      expect(theirs.body.auctionId).not.toBe(first.body.auctionId);
    });
  });

  describe('POST /auctions/:id/bids', () => {
    it('accepts a bid and answers with the new state', async () => {
      const auctionId = await createAuction(t.url, seller.token);
      const res = await bidOn(auctionId, alice.token, { amount: 1000 });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        bidId: expect.any(String),
        auctionId,
        amount: 1000,
        status: 'leading',
        currentPrice: 1000,
        leadingBidderId: alice.userId,
        endsAt: expect.any(String),
        revision: 1,
        position: expect.any(String),
      });
      expect((res.body.position as string) > (await streamOf(auctionId))[0]!.position).toBe(true);
    });

    it('answers outbid when a standing ceiling outbids the bid at once', async () => {
      const auctionId = await createAuction(t.url, seller.token);
      await bidOn(auctionId, alice.token, { amount: 1000, maxAmount: 5000 });
      const res = await bidOn(auctionId, bob.token, { amount: 2000 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        amount: 2000,
        status: 'outbid',
        currentPrice: 2100,
        leadingBidderId: alice.userId,
        revision: 3,
      });
      const events = await streamOf(auctionId);
      expect(events.map((e) => [e.type, (e.data as { auto?: boolean }).auto])).toEqual([
        ['AuctionCreated', undefined],
        ['BidPlaced', false],
        ['BidPlaced', false],
        ['BidPlaced', true],
      ]);
    });

    it('refuses a bid too low, naming the minimum', async () => {
      const auctionId = await createAuction(t.url, seller.token);
      const res = await bidOn(auctionId, alice.token, { amount: 999 });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'BID_TOO_LOW', minimumBid: 1000, status: 422 });
      expect(await streamOf(auctionId)).toHaveLength(1);
    });

    it("follows the auction's increment table: the minimum by the band the price is in, shown in the view", async () => {
      const increments = [
        { from: 0, increment: 50 },
        { from: 2000, increment: 500 },
      ];
      const auctionId = await createAuction(t.url, seller.token, {
        startingPrice: 1900,
        minIncrement: undefined,
        increments,
      });
      expect((await bidOn(auctionId, alice.token, { amount: 1950 })).status).toBe(201);
      expect((await bidOn(auctionId, bob.token, { amount: 2000 })).status).toBe(201);
      const low = await bidOn(auctionId, alice.token, { amount: 2450 });
      expect(low.status).toBe(422);
      expect(low.body).toMatchObject({ code: 'BID_TOO_LOW', minimumBid: 2500 });
      const last = await bidOn(auctionId, alice.token, { amount: 2500 });
      expect(last.status).toBe(201);
      const sync = { 'X-Min-Position': last.body.position as string };
      const view = await call(t.url, 'GET', `/auctions/${auctionId}`, { headers: sync });
      expect(view.body).toMatchObject({ increments, minIncrement: null, minimumBid: 3000 });
    });

    it('refuses the seller', async () => {
      const auctionId = await createAuction(t.url, seller.token);
      const res = await bidOn(auctionId, seller.token, { amount: 5000 });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('SELLER_CANNOT_BID');
    });

    it('refuses bids on a missing auction and on an id that is not one', async () => {
      const missing = await bidOn(randomUUID(), alice.token, { amount: 1000 });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('AUCTION_NOT_FOUND');
      // Not a UUID at all: the path is malformed, as the OpenAPI says (format: uuid).
      for (const id of ['not-a-uuid', "1' OR '1'='1"]) {
        const res = await bidOn(encodeURIComponent(id), alice.token, { amount: 1000 });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'path.id' }] });
      }
    });

    it('refuses bids before the start', async () => {
      const auctionId = await createAuction(t.url, seller.token, { startsAt: inSeconds(600) });
      const res = await bidOn(auctionId, alice.token, { amount: 1000 });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('AUCTION_NOT_OPEN');
    });

    it.each([
      [{}, ['body.amount']],
      [{ amount: 0 }, ['body.amount']],
      [{ amount: 10.5 }, ['body.amount']],
      [{ amount: '1000' }, ['body.amount']],
      [{ amount: 1000, maxAmount: 999 }, ['body.maxAmount']],
      [{ amount: 1000, extra: true }, ['body.extra']],
      [[1000], ['body']],
    ])('refuses the body %j', async (body, fields) => {
      const auctionId = await createAuction(t.url, seller.token);
      const res = await bidOn(auctionId, alice.token, body);
      expect(res.status).toBe(400);
      const named = new Set((res.body.errors as Array<{ field: string }>).map((e) => e.field));
      expect([...named].sort()).toEqual([...fields].sort());
      expect(await streamOf(auctionId)).toHaveLength(1);
    });

    it('answers malformed JSON with 400 and a body over 64 KiB with 413', async () => {
      const auctionId = await createAuction(t.url, seller.token);
      const malformed = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
        token: alice.token,
        raw: '{"amount":',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('MALFORMED_JSON');
      const huge = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
        token: alice.token,
        raw: JSON.stringify({ amount: 1000, pad: 'x'.repeat(70 * 1024) }),
      });
      expect(huge.status).toBe(413);
      expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('an Idempotency-Key retry returns the first reply and records one event; another body is refused', async () => {
      const auctionId = await createAuction(t.url, seller.token);
      const key = randomUUID();
      const first = await bidOn(auctionId, alice.token, { amount: 1000 }, { 'Idempotency-Key': key });
      await bidOn(auctionId, bob.token, { amount: 1500 });
      const retry = await bidOn(auctionId, alice.token, { amount: 1000 }, { 'Idempotency-Key': key });
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      const reused = await bidOn(auctionId, alice.token, { amount: 2000 }, { 'Idempotency-Key': key });
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const bids = (await streamOf(auctionId)).filter((e) => e.type === 'BidPlaced');
      expect(bids).toHaveLength(2);
      const bad = await bidOn(auctionId, alice.token, { amount: 3000 }, { 'Idempotency-Key': 'has space' });
      expect(bad.status).toBe(400);
    });

    it('concurrent retries with one key record one bid', async () => {
      const auctionId = await createAuction(t.url, seller.token);
      const key = randomUUID();
      const replies = await Promise.all(
        Array.from({ length: 10 }, () =>
          bidOn(auctionId, alice.token, { amount: 1000 }, { 'Idempotency-Key': key }),
        ),
      );
      for (const r of replies) expect(r.body).toEqual(replies[0]!.body);
      expect((await streamOf(auctionId)).filter((e) => e.type === 'BidPlaced')).toHaveLength(1);
    });
  });

  describe('POST /auctions/:id/cancel', () => {
    it('only the seller cancels, only without bids, only once', async () => {
      const auctionId = await createAuction(t.url, seller.token);
      const notSeller = await call(t.url, 'POST', `/auctions/${auctionId}/cancel`, {
        token: alice.token,
        body: {},
      });
      expect(notSeller.status).toBe(403);
      expect(notSeller.body.code).toBe('NOT_SELLER');
      const ok = await call(t.url, 'POST', `/auctions/${auctionId}/cancel`, {
        token: seller.token,
        body: { reason: 'sold elsewhere' },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ auctionId, revision: 1, position: expect.any(String) });
      const twice = await call(t.url, 'POST', `/auctions/${auctionId}/cancel`, {
        token: seller.token,
        body: {},
      });
      expect(twice.status).toBe(422);
      expect(twice.body.code).toBe('AUCTION_NOT_OPEN');
      const bid = await bidOn(auctionId, alice.token, { amount: 1000 });
      expect(bid.body.code).toBe('AUCTION_NOT_OPEN');

      const withBids = await createAuction(t.url, seller.token);
      await bidOn(withBids, alice.token, { amount: 1000 });
      const refused = await call(t.url, 'POST', `/auctions/${withBids}/cancel`, { token: seller.token });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('AUCTION_HAS_BIDS');
    });
  });

  it('keeps idempotency across a restart (another instance on the same store)', async () => {
    const auctionId = await createAuction(t.url, seller.token);
    const key = randomUUID();
    const first = await bidOn(
      auctionId,
      alice.token,
      { amount: 1000, maxAmount: 3000 },
      { 'Idempotency-Key': key },
    );
    const second = await startTestApp({ databaseUrl: t.databaseUrl });
    try {
      const retry = await call(second.url, 'POST', `/auctions/${auctionId}/bids`, {
        token: alice.token,
        body: { maxAmount: 3000, amount: 1000 },
        headers: { 'Idempotency-Key': key },
      });
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
    } finally {
      await second.stop();
    }
    expect((await streamOf(auctionId)).filter((e) => e.type === 'BidPlaced')).toHaveLength(1);
  });
});
