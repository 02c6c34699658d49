import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { call, createAuction, registerUser, startTestApp } from '../support/testApp';
import { connectWs, type WsMessage } from '../support/wsClient';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const revisionsOf = (events: WsMessage[]) => events.map((m) => m.event!.revision);
const dense = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('WebSocket gateway', () => {
  let a: TestApp;
  let b: TestApp;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  let alice: Awaited<ReturnType<typeof registerUser>>;
  let bob: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    a = await startTestApp({ label: 'websocket' });
    b = await startTestApp({
      databaseUrl: a.databaseUrl,
      start: { websocketLimits: { maxSubscriptions: 3, maxBufferedBytes: 32 * 1024 } },
    });
    [seller, alice, bob] = await Promise.all([
      registerUser(a.url, 'seller'),
      registerUser(a.url, 'alice'),
      registerUser(a.url, 'bob'),
    ]);
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  const bid = (url: string, auctionId: string, token: string, body: unknown) =>
    call(url, 'POST', `/auctions/${auctionId}/bids`, { token, body });

  it('a subscriber on B gets every bid placed through A, in order, without gaps; its last view equals GET', async () => {
    const auctionId = await createAuction(a.url, seller.token, {
      minIncrement: 10,
      reservePrice: 1500,
      softClose: { windowSeconds: 3600, extensionSeconds: 3600 },
    });
    const client = await connectWs(b.url);
    client.send({ type: 'subscribe', auctionId });
    await client.until((m) => m.some((x) => x.type === 'subscribed'));
    const subscribed = client.messages.find((m) => m.type === 'subscribed')!;
    expect(subscribed.auction).toMatchObject({ auctionId, revision: 0, bidCount: 0 });
    expect(typeof subscribed.serverTime).toBe('string');

    let last: { position: string; revision: number } = { position: '', revision: 0 };
    for (let i = 0; i < 15; i++) {
      const user = i % 2 ? alice : bob;
      const res = await bid(
        a.url,
        auctionId,
        user.token,
        i % 5 === 0 ? { amount: 1000 + i * 100, maxAmount: 1000 + i * 100 + 50 } : { amount: 1000 + i * 100 },
      );
      expect(res.status).toBe(201);
      last = { position: res.body.position as string, revision: res.body.revision as number };
    }
    await client.until((m) =>
      revisionsOf(m.filter((x) => x.type === 'auction.event')).includes(last.revision),
    );
    const events = client.events(auctionId);
    expect(revisionsOf(events)).toEqual(dense(1, last.revision));
    expect(events.map((m) => m.event!.type)).toContain('AuctionExtended');
    for (const m of events) expect(m.auction!.revision).toBe(m.event!.revision);
    const view = await call(a.url, 'GET', `/auctions/${auctionId}`, {
      headers: { 'X-Min-Position': last.position },
    });
    expect(events.at(-1)!.auction).toEqual(view.body);
    // Neither the reserve nor a bidder's ceiling is ever pushed.
    for (const text of client.raw) {
      expect(text).not.toContain('reservePrice');
      expect(text).not.toContain('maxAmount');
    }
    client.close();
  });

  it("a scheduled auction subscribed after its start is open in the subscribed frame (its status is the time's)", async () => {
    const startsAt = Date.now() + 800;
    const auctionId = await createAuction(a.url, seller.token, {
      startsAt: new Date(startsAt).toISOString(),
    });
    // Redis holds its view as it was made: scheduled.
    await call(a.url, 'GET', `/auctions/${auctionId}`);
    await new Promise((r) => setTimeout(r, startsAt + 200 - Date.now()));
    const client = await connectWs(a.url);
    client.send({ type: 'subscribe', auctionId });
    await client.until((m) => m.some((x) => x.type === 'subscribed'));
    expect(client.messages[0]!.auction).toMatchObject({ status: 'open' });
    client.close();
  });

  it('resumes with afterRevision: exactly the missed events, then live ones', async () => {
    const auctionId = await createAuction(a.url, seller.token, { minIncrement: 10 });
    const first = await connectWs(a.url);
    first.send({ type: 'subscribe', auctionId });
    // Bid only once subscribed: a bid the subscription's first view already shows comes as that
    // view, not as an event (the protocol), and the test waits for the event.
    await first.until((m) => m.some((x) => x.type === 'subscribed'));
    await bid(a.url, auctionId, alice.token, { amount: 1000 });
    await first.until(() => revisionsOf(first.events(auctionId)).includes(1));
    first.close();
    await first.closed;
    for (let i = 1; i <= 4; i++)
      await bid(a.url, auctionId, i % 2 ? bob.token : alice.token, { amount: 1000 + i * 10 });

    const again = await connectWs(b.url);
    again.send({ type: 'subscribe', auctionId, afterRevision: 1 });
    await again.until(() => revisionsOf(again.events(auctionId)).includes(5));
    await bid(b.url, auctionId, bob.token, { amount: 1100 });
    await bid(a.url, auctionId, alice.token, { amount: 1110 });
    await again.until(() => revisionsOf(again.events(auctionId)).includes(7));
    expect(revisionsOf(again.events(auctionId))).toEqual([2, 3, 4, 5, 6, 7]);
    expect(again.messages[0]!.type).toBe('subscribed');
    again.close();
  });

  it('never sends again what a resuming client has, even when the view is older than its afterRevision', async () => {
    // A client that reconnects to an instance whose read model is behind it: here, a client that
    // says it has revision 3 while the auction is at 1. Revisions 2 and 3 are its own already.
    const auctionId = await createAuction(a.url, seller.token, { minIncrement: 10 });
    await bid(a.url, auctionId, alice.token, { amount: 1000 });
    const client = await connectWs(a.url);
    client.send({ type: 'subscribe', auctionId, afterRevision: 3 });
    await client.until((m) => m.some((x) => x.type === 'subscribed'));
    for (let i = 1; i <= 3; i++)
      await bid(a.url, auctionId, i % 2 ? bob.token : alice.token, { amount: 1000 + i * 10 });
    await client.until(() => revisionsOf(client.events(auctionId)).includes(4));
    expect(revisionsOf(client.events(auctionId))).toEqual([4]);
    client.close();
  });

  it('answers bad messages with an error and keeps the connection', async () => {
    const client = await connectWs(b.url);
    const cases: Array<[unknown, string]> = [
      ['not json', 'INVALID_JSON'],
      [{ type: 'shout' }, 'UNKNOWN_MESSAGE_TYPE'],
      [{ type: 'subscribe', auctionId: "1' OR '1'='1" }, 'VALIDATION_FAILED'],
      [{ type: 'subscribe', auctionId: randomUUID(), afterRevision: 'x' }, 'VALIDATION_FAILED'],
      [{ type: 'subscribe', auctionId: randomUUID(), extra: 1 }, 'VALIDATION_FAILED'],
      [[1, 2, 3], 'UNKNOWN_MESSAGE_TYPE'],
      [{ type: 'subscribe', auctionId: randomUUID() }, 'AUCTION_NOT_FOUND'],
      [JSON.stringify({ type: 'ping', pad: 'x'.repeat(5000) }), 'MESSAGE_TOO_LARGE'],
    ];
    for (const [message, code] of cases) {
      const before = client.messages.length;
      client.send(message);
      await client.until((m) => m.length > before);
      expect(client.messages.at(-1)).toMatchObject({ type: 'error', code });
    }
    client.send({ type: 'ping' });
    await client.until((m) => m.at(-1)?.type === 'pong');
    // Limits: subscriptions per connection.
    const ids = await Promise.all([1, 2, 3, 4].map(() => createAuction(a.url, seller.token)));
    for (const auctionId of ids) client.send({ type: 'subscribe', auctionId });
    await client.until(
      (m) =>
        m.filter((x) => x.type === 'subscribed').length === 3 &&
        m.some((x) => x.code === 'TOO_MANY_SUBSCRIPTIONS'),
    );
    client.send({ type: 'unsubscribe', auctionId: ids[0] });
    await client.until((m) => m.some((x) => x.type === 'unsubscribed'));
    // A frame over the hard limit closes the connection (1009).
    client.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(70 * 1024) }));
    expect((await client.closed).code).toBe(1009);
  });

  it('drops a flood of messages past the rate limit, says so once, and keeps the connection', async () => {
    const client = await connectWs(a.url);
    for (let i = 0; i < 1000; i++) client.send({ type: 'ping' });
    await client.until((m) => m.some((x) => x.code === 'RATE_LIMITED'));
    await new Promise((r) => setTimeout(r, 300));
    const pongs = client.messages.filter((m) => m.type === 'pong').length;
    expect(pongs).toBeGreaterThanOrEqual(200); // the burst
    expect(pongs).toBeLessThan(900); // and the refill while the flood lasted, not the flood
    // Told at most once a second, however long the flood took to read.
    const told = client.messages.filter((m) => m.code === 'RATE_LIMITED').length;
    expect(told).toBeGreaterThanOrEqual(1);
    expect(told).toBeLessThanOrEqual(3);
    // The bucket refills: the connection is usable again.
    await new Promise((r) => setTimeout(r, 1100));
    const before = client.messages.length;
    client.send({ type: 'ping' });
    await client.until((m) => m.length > before && m.at(-1)?.type === 'pong');
    client.close();
  });

  it('refuses an invalid token at the upgrade, accepts a valid one and none', async () => {
    await expect(connectWs(b.url, { token: 'garbage' })).rejects.toThrow(/401/);
    const forged = jwt.sign({ sub: alice.userId, roles: ['admin'] }, 'not-the-secret-not-the-secret-12345');
    await expect(connectWs(b.url, { query: `?token=${forged}` })).rejects.toThrow(/401/);
    const withToken = await connectWs(b.url, { token: alice.token });
    const anonymous = await connectWs(b.url);
    withToken.close();
    anonymous.close();
    await expect(connectWs(b.url.replace(/$/, '/elsewhere'))).rejects.toThrow(/HTTP 404/);
  });

  it('closes a client too slow to read with 1013', async () => {
    const auctionId = await createAuction(a.url, seller.token, {
      minIncrement: 1,
      description: 'd'.repeat(5000),
      title: 't'.repeat(200),
    });
    const client = await connectWs(b.url);
    client.send({ type: 'subscribe', auctionId });
    await client.until((m) => m.some((x) => x.type === 'subscribed'));
    const socket = (client.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause(); // the client stops reading; each pushed message carries a ~5 KiB view
    const before = b.app.gateway!.slowClosed();
    let amount = 1000;
    for (let round = 0; round < 200 && b.app.gateway!.slowClosed() === before; round++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          bid(a.url, auctionId, i % 2 ? alice.token : bob.token, { amount: amount++ }),
        ),
      );
    }
    expect(b.app.gateway!.slowClosed()).toBe(before + 1);
    socket.resume();
    expect((await client.closed).code).toBe(1013);
  });

  it('closes dead connections found by protocol pings', async () => {
    const c = await startTestApp({
      databaseUrl: a.databaseUrl,
      start: { websocketLimits: { pingIntervalMs: 200 } },
    });
    try {
      const alive = await connectWs(c.url);
      const dead = await connectWs(c.url);
      expect(c.app.gateway!.connections()).toBe(2);
      (dead.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // it answers no more pings
      const deadline = Date.now() + 5000;
      while (c.app.gateway!.connections() > 1 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(c.app.gateway!.connections()).toBe(1); // the live one stays
      alive.close();
    } finally {
      await c.stop();
    }
  });

  it('closes connections with 1001 on shutdown', async () => {
    const c = await startTestApp({ databaseUrl: a.databaseUrl });
    const client = await connectWs(c.url);
    await c.stop();
    expect((await client.closed).code).toBe(1001);
  });
});
