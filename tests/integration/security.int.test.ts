/**
 * No one does what their token does not allow, and the reserve stays the seller's: forged,
 * expired and tampered tokens are refused everywhere (HTTP and WebSocket); analyst routes need
 * the role; the reserve appears in no reply or pushed message for anyone but the seller;
 * SQL-looking and unicode input is stored and returned as sent, or refused with a 4xx; rate
 * limits hold under a concurrent burst.
 */
import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { getTokenIssuer } from '../../src/auth';
import { TEST_JWT_SECRET, call, createAuction, registerUser, startTestApp } from '../support/testApp';
import { connectWs } from '../support/wsClient';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const hs256 = (header: object, payload: object, secret: string) => {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
};

describe('security', () => {
  let server: Awaited<ReturnType<typeof startTestApp>>;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  let bidder: Awaited<ReturnType<typeof registerUser>>;
  let auctionId: string;
  const RESERVE = 987_654;

  beforeAll(async () => {
    server = await startTestApp({ label: 'security' });
    seller = await registerUser(server.url, 'seller');
    bidder = await registerUser(server.url, 'bidder');
    auctionId = await createAuction(server.url, seller.token, { reservePrice: RESERVE, startingPrice: 1000 });
  });
  afterAll(() => server.stop());

  describe('tokens', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const claims = () => ({ sub: bidder.userId, roles: ['bidder'], iat: now(), exp: now() + 600 });
    const forged: Record<string, () => string> = {
      'alg none': () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`,
      'alg none with a signature': () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.c2lnbmF0dXJl`,
      'the wrong key': () =>
        hs256({ alg: 'HS256', typ: 'JWT' }, claims(), 'another-secret-0123456789abcdef012345'),
      'HS512 with the right key': () =>
        jwt.sign(claims(), TEST_JWT_SECRET, { algorithm: 'HS512', noTimestamp: true }),
      expired: () =>
        hs256(
          { alg: 'HS256', typ: 'JWT' },
          { ...claims(), iat: now() - 7200, exp: now() - 3600 },
          TEST_JWT_SECRET,
        ),
      'roles edited after signing': () => {
        const [header, , signature] = getTokenIssuer(TEST_JWT_SECRET, 600)
          .issue({ sub: bidder.userId, roles: ['bidder'] })
          .split('.');
        return `${header}.${b64({ ...claims(), roles: ['bidder', 'analyst', 'admin'] })}.${signature}`;
      },
      'subject edited after signing': () => {
        const [header, , signature] = bidder.token.split('.');
        return `${header}.${b64({ ...claims(), sub: seller.userId })}.${signature}`;
      },
      'a role that does not exist': () =>
        hs256({ alg: 'HS256', typ: 'JWT' }, { ...claims(), roles: ['superuser'] }, TEST_JWT_SECRET),
      'a subject that is not a user id': () =>
        hs256({ alg: 'HS256', typ: 'JWT' }, { ...claims(), sub: "1' OR '1'='1" }, TEST_JWT_SECRET),
      garbage: () => 'not.a.token',
      empty: () => '',
    };

    it.each(Object.keys(forged))(
      'refuses a token with %s on every protected route and at the WebSocket',
      async (name) => {
        const token = forged[name]!();
        const requests: Array<[string, string, unknown?]> = [
          ['GET', '/me'],
          ['GET', '/me/bids'],
          [
            'POST',
            '/auctions',
            {
              title: 'x',
              currency: 'EUR',
              startingPrice: 1,
              endsAt: new Date(Date.now() + 60_000).toISOString(),
            },
          ],
          ['POST', `/auctions/${auctionId}/bids`, { amount: 5000 }],
          ['POST', `/auctions/${auctionId}/cancel`, {}],
          ['GET', `/auctions/${auctionId}/events`],
          ['GET', `/auctions/${auctionId}/state?revision=0`],
          ['GET', '/events'],
          ['GET', `/auctions/${auctionId}`], // optional auth: a bad token is still refused
          ['GET', '/auctions'],
        ];
        for (const [method, path, body] of requests) {
          const res = await call(server.url, method, path, {
            headers: { authorization: `Bearer ${token}` },
            body,
          });
          expect({ name, method, path, status: res.status, code: res.body.code }).toEqual({
            name,
            method,
            path,
            status: 401,
            code: 'UNAUTHORIZED',
          });
        }
        if (token) {
          await expect(
            connectWs(server.url, { query: `?token=${encodeURIComponent(token)}` }),
          ).rejects.toThrow('401');
          await expect(connectWs(server.url, { token })).rejects.toThrow('401');
        }
        // Nothing was recorded by any of it.
        const events = await server.app.eventStore.readStream(`auction-${auctionId}`);
        expect(events.map((e) => e.type)).toEqual(['AuctionCreated']);
      },
    );

    it('analyst routes need the analyst or admin role', async () => {
      const issuer = getTokenIssuer(TEST_JWT_SECRET, 600);
      const as = (roles: Array<'bidder' | 'analyst' | 'admin'>) =>
        issuer.issue({ sub: bidder.userId, roles });
      for (const path of [
        `/auctions/${auctionId}/events`,
        `/auctions/${auctionId}/state?revision=0`,
        '/events',
      ]) {
        expect((await call(server.url, 'GET', path)).status).toBe(401);
        const refused = await call(server.url, 'GET', path, { token: as(['bidder']) });
        expect({ path, status: refused.status, code: refused.body.code }).toEqual({
          path,
          status: 403,
          code: 'FORBIDDEN',
        });
        expect(
          (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${as(['analyst'])}` } }))
            .status,
        ).toBe(200);
        expect(
          (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${as(['admin'])}` } }))
            .status,
        ).toBe(200);
      }
    });
  });

  it('shows the reserve to the seller only: in no other reply, history or pushed message', async () => {
    const analyst = getTokenIssuer(TEST_JWT_SECRET, 600).issue({
      sub: bidder.userId,
      roles: ['bidder', 'analyst'],
    });
    const watchers = [
      await connectWs(server.url),
      await connectWs(server.url, { token: bidder.token }),
      await connectWs(server.url, { token: seller.token }),
    ];
    for (const ws of watchers) ws.send({ type: 'subscribe', auctionId, afterRevision: 0 });
    const bid = await call(server.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: bidder.token,
      body: { amount: 2000, maxAmount: 999_999 }, // a ceiling over the reserve lifts the price to it
    });
    expect(bid.status).toBe(201);
    expect(bid.body.currentPrice).toBe(RESERVE); // the price itself is public, by the rules
    const sync = { 'X-Min-Position': bid.body.position as string };
    for (const ws of watchers) await ws.until((m) => m.some((x) => x.type === 'auction.event'));

    const replies: string[] = [];
    const read = async (path: string, token?: string) => {
      const res = await fetch(`${server.url}${path}`, {
        headers: { ...sync, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
      expect(res.status).toBe(200);
      // The analyst token is the bidder's own identity with one more role.
      const who = token === undefined ? 'anonymous' : 'bidder';
      replies.push(`${path} ${who}: ${await res.text()}`);
    };
    for (const token of [undefined, bidder.token, analyst]) {
      await read(`/auctions/${auctionId}`, token);
      await read(`/auctions?status=open`, token);
      await read(`/auctions/${auctionId}/bids`, token);
    }
    await read('/me/bids', bidder.token);
    await read(`/auctions/${auctionId}/events`, analyst);
    await read(`/auctions/${auctionId}/state?revision=1`, analyst);
    await read('/events', analyst);
    const frames = watchers.flatMap((ws) => ws.raw);
    for (const ws of watchers) ws.close();

    // The reserve's only number on the wire is the price it lifted the bid to; its key never is.
    // The bidder's ceiling is as private: only their own reads show it, as myMaxAmount.
    const bidderOwn = replies.filter((r) => / bidder: /.test(r));
    // Their auction view (single and in the list) and /me/bids show it to them.
    for (const path of [`/auctions/${auctionId} `, '/auctions?status=open ', '/me/bids '])
      expect(bidderOwn.find((r) => r.startsWith(path) && r.includes('"myMaxAmount":999999'))).toBeDefined();
    for (const text of [...replies, ...frames]) {
      expect(text).not.toMatch(/reservePrice/);
      expect(text.replace('"myMaxAmount":999999', '')).not.toContain('999999');
    }
    const others = replies.filter((r) => !bidderOwn.includes(r));
    for (const text of [...others, ...frames]) expect(text).not.toContain('999999');
    const own = await call(server.url, 'GET', `/auctions/${auctionId}`, { token: seller.token });
    expect(own.body.reservePrice).toBe(RESERVE);
  });

  it('stores SQL-looking and unicode strings exactly, and answers bad ones with a 4xx', async () => {
    const analyst = getTokenIssuer(TEST_JWT_SECRET, 600).issue({ sub: bidder.userId, roles: ['analyst'] });
    const nasty = [
      "Robert'); DROP TABLE accounts; --",
      '1 OR 1=1; SELECT * FROM events',
      '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🏺 ünïcödé 中文 עברית',
      '\u202eevil\u202c zero\u200bwidth',
      '<script>alert(1)</script>',
      '%00%27\\x00',
    ];
    for (const text of nasty) {
      const user = await registerUser(server.url, 'unicode');
      const created = await call(server.url, 'POST', '/auctions', {
        token: user.token,
        body: {
          title: text,
          description: text.repeat(10),
          currency: 'EUR',
          startingPrice: 100,
          endsAt: new Date(Date.now() + 600_000).toISOString(),
        },
      });
      expect(created.status).toBe(201);
      const view = await call(server.url, 'GET', `/auctions/${created.body.auctionId}`, {
        headers: { 'X-Min-Position': created.body.position as string },
      });
      expect(view.body).toMatchObject({ title: text, description: text.repeat(10) });
      const me = await call(server.url, 'POST', '/auth/register', {
        body: {
          email: `u${Date.now()}${Math.random()}@example.test`,
          password: text.padEnd(8, '!'),
          displayName: text,
        },
      });
      expect(me.status).toBe(201);
      const profile = await call(server.url, 'GET', '/me', { token: me.body.token as string });
      expect(profile.body.displayName).toBe(text);
    }

    // In query strings, path parameters and headers: refused, never a 5xx. The auction is read
    // first, so that the in-memory hot route holds it and sees the bad X-Min-Position too.
    await fetch(`${server.url}/auctions/${auctionId}`);
    await fetch(`${server.url}/auctions/${auctionId}`);
    const probes: Array<[string, Record<string, string>?]> = [];
    for (const text of nasty) {
      const q = encodeURIComponent(text);
      probes.push(
        [`/auctions?status=${q}`],
        [`/auctions?sellerId=${q}`],
        [`/auctions?sort=${q}`],
        [`/auctions?cursor=${q}`],
        [`/auctions?limit=${q}`],
        [`/auctions/${q}`],
        [`/auctions/${q}/bids`],
        [`/auctions/${auctionId}/bids?cursor=${q}`],
        [`/auctions/${auctionId}`, { 'X-Min-Position': encodeURIComponent(text) }],
        [`/auctions/${auctionId}/state?at=${q}`, { authorization: `Bearer ${analyst}` }],
        [`/auctions/${auctionId}/state?revision=${q}`, { authorization: `Bearer ${analyst}` }],
        [`/events?after=${q}`, { authorization: `Bearer ${analyst}` }],
        [`/events?types=${q}`, { authorization: `Bearer ${analyst}` }],
        [`/events?limit=${q}`, { authorization: `Bearer ${analyst}` }],
      );
    }
    // As credentials: refused as such, never a 5xx.
    for (const text of nasty) {
      const login = await call(server.url, 'POST', '/auth/login', { body: { email: text, password: text } });
      expect({ text, status: login.status }).toEqual({
        text,
        status: text.length > 128 || text === '' ? 400 : 401,
      });
      const sqlEmail = await call(server.url, 'POST', '/auth/login', {
        body: { email: `x'--@example.test`, password: text || 'x' },
      });
      expect(sqlEmail.status).toBe(text.length > 128 ? 400 : 401);
    }
    for (const [path, headers] of probes) {
      const res = await fetch(`${server.url}${path}`, { headers });
      const refused = res.status >= 400 && res.status < 500;
      expect({ path, headers, status: res.status, refused }).toEqual({
        path,
        headers,
        status: res.status,
        refused: true,
      });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    for (const key of ["a' OR '1'='1", 'x'.repeat(256), 'caf\u00e9']) {
      const res = await call(server.url, 'POST', `/auctions/${auctionId}/bids`, {
        token: bidder.token,
        body: { amount: RESERVE + 10_000 },
        headers: { 'Idempotency-Key': key },
      });
      expect({ key, status: res.status, code: res.body.code }).toEqual({
        key,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }

    // A NUL character cannot be stored by PostgreSQL: it is refused before any query (the fuzzer found it).
    const nul = 'a\u0000b';
    const withNul: Array<[string, string, unknown, string?]> = [
      ['POST', '/auth/login', { email: nul, password: 'whatever!' }],
      ['POST', '/auth/register', { email: 'nul@example.test', password: 'long enough', displayName: nul }],
      [
        'POST',
        '/auctions',
        {
          title: nul,
          currency: 'EUR',
          startingPrice: 1,
          endsAt: new Date(Date.now() + 60_000).toISOString(),
        },
        seller.token,
      ],
      ['POST', `/auctions/${auctionId}/cancel`, { reason: nul }, seller.token],
      ['GET', `/auctions?cursor=${encodeURIComponent(nul)}`, undefined],
    ];
    for (const [method, path, body, token] of withNul) {
      const res = await call(server.url, method, path, { body, token });
      expect({ path, status: res.status, code: res.body.code }).toEqual({
        path,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }

    // Every table is still there and answering.
    expect((await call(server.url, 'GET', '/health/ready')).status).toBe(200);
    expect((await call(server.url, 'GET', '/me', { token: seller.token })).status).toBe(200);
  });

  it('holds a rate limit under a concurrent burst, across two instances', async () => {
    const env = { RATE_LIMIT_AUTH: '5/60' };
    const a = await startTestApp({ label: 'burst', env });
    const b = await startTestApp({ databaseUrl: a.databaseUrl, env });
    try {
      const replies = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          call(i % 2 ? a.url : b.url, 'POST', '/auth/login', {
            body: { email: 'nobody@example.test', password: 'wrong password' },
          }),
        ),
      );
      const statuses = replies.map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    } finally {
      await b.stop();
      await a.stop();
    }
  });
});
