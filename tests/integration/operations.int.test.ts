/**
 * What operators and browsers see: security headers on every path (the hot route too), request
 * ids, CORS as configured, readiness with every dependency, the metrics the issue names, and
 * rate limits that answer 429 with Retry-After, are shared by instances through Redis, and
 * recover.
 */
import { randomUUID } from 'node:crypto';
import { getTokenIssuer } from '../../src/auth';
import { TEST_JWT_SECRET, call, createAuction, registerUser, startTestApp } from '../support/testApp';
import { connectWs } from '../support/wsClient';

// Every API response (OWASP's REST set); the HTML pages get helmet's document headers over it.
const API_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};
const DOCUMENT_ONLY = ['cross-origin-opener-policy', 'origin-agent-cluster', 'x-dns-prefetch-control'];
const headersOf = (res: Response, names: string[]) =>
  Object.fromEntries(names.map((name) => [name, res.headers.get(name)]));

describe('operations', () => {
  let server: Awaited<ReturnType<typeof startTestApp>>;

  beforeAll(async () => {
    server = await startTestApp({ label: 'ops', env: { CORS_ORIGINS: 'https://shop.example' } });
  });
  afterAll(() => server.stop());

  it('sends security headers and a request id on every path, the hot route included', async () => {
    const seller = await registerUser(server.url, 'seller');
    const auctionId = await createAuction(server.url, seller.token);
    // The first anonymous GET fills this process's memory; the next ones are the hot route.
    await new Promise((r) => setTimeout(r, 300));
    const bidder = await registerUser(server.url, 'bidder');
    const bid = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/auctions/${auctionId}/bids`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bidder.token}`, 'content-type': 'application/json', ...headers },
        body,
      });
    const apiReplies: Array<[string, Response]> = [];
    // express, then the in-memory hot route; a missing route; a health check.
    for (const path of [`/auctions/${auctionId}`, `/auctions/${auctionId}`, '/no/such/route', '/health/live'])
      apiReplies.push([`GET ${path}`, await fetch(`${server.url}${path}`)]);
    // A bid on the fast lane (201 and a refused one), and one express answers (no declared length).
    apiReplies.push(['bid', await bid(JSON.stringify({ amount: 5000 }))]);
    apiReplies.push(['bid too low', await bid(JSON.stringify({ amount: 1 }))]);
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify({ amount: 1 })));
        controller.close();
      },
    });
    apiReplies.push([
      'bid by express',
      await fetch(`${server.url}/auctions/${auctionId}/bids`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bidder.token}`, 'content-type': 'application/json' },
        body: chunked,
        duplex: 'half',
      } as RequestInit),
    ]);
    expect(apiReplies.map(([what, res]) => [what, res.status])).toEqual([
      [`GET /auctions/${auctionId}`, 200],
      [`GET /auctions/${auctionId}`, 200],
      ['GET /no/such/route', 404],
      ['GET /health/live', 200],
      ['bid', 201],
      ['bid too low', 422],
      ['bid by express', 422],
    ]);
    for (const [what, res] of apiReplies) {
      expect({ what, ...headersOf(res, [...Object.keys(API_HEADERS), ...DOCUMENT_ONLY]) }).toEqual({
        what,
        ...API_HEADERS,
        ...Object.fromEntries(DOCUMENT_ONLY.map((name) => [name, null])),
      });
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    // The pages: helmet's document headers, a policy of their own origin for scripts and styles.
    for (const path of ['/', '/problems/BID_TOO_LOW', '/docs/']) {
      const res = await fetch(`${server.url}${path}`);
      expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({
        path,
        status: 200,
        type: expect.stringMatching(/^text\/html/),
      });
      expect({ path, ...headersOf(res, ['x-frame-options', ...DOCUMENT_ONLY]) }).toEqual({
        path,
        'x-frame-options': 'SAMEORIGIN',
        'cross-origin-opener-policy': 'same-origin',
        'origin-agent-cluster': '?1',
        'x-dns-prefetch-control': 'off',
      });
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/auctions\/:id",status="200"\} [1-9]/,
    );

    const given = await fetch(`${server.url}/health/live`, { headers: { 'X-Request-Id': 'trace-abc.123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-abc.123');
    const forged = await fetch(`${server.url}/health/live`, { headers: { 'X-Request-Id': 'a b\u00e9' } });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('allows the configured origins only', async () => {
    const allowed = await fetch(`${server.url}/auctions`, { headers: { Origin: 'https://shop.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('X-Projection-Position');
    // The in-memory hot route too (the second read is served from memory).
    const seller = await registerUser(server.url, 'seller');
    const auctionId = await createAuction(server.url, seller.token);
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 2; i++) {
      const hot = await fetch(`${server.url}/auctions/${auctionId}`, {
        headers: { Origin: 'https://shop.example' },
      });
      expect(hot.status).toBe(200);
      expect(hot.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect(hot.headers.get('content-security-policy')).toBeTruthy();
    }
    const other = await fetch(`${server.url}/auctions`, { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}/auctions/x/bids`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://shop.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Idempotency-Key/);
  });

  it('is ready only with every dependency checked, the scheduler queue included', async () => {
    const res = await call(server.url, 'GET', '/health/ready');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.checks as object).sort()).toEqual([
      'deadlineQueue',
      'eventStore',
      'postgres',
      'projection:after-hammer-process',
      'projection:analytics',
      'projection:invoices',
      'projection:notifications',
      'projection:postgres-read-model',
      'projection:redis-read-model',
      'projection:sale-process',
      'projection:sales',
      'projection:scheduler',
      'projection:suspension-process',
      'redis',
      'schedulerQueue',
    ]);
    expect(res.body.checks).toMatchObject({
      schedulerQueue: { status: 'ok', delayed: expect.any(Number), failed: 0 },
      'projection:redis-read-model': { status: 'ok', state: 'running', lagMs: expect.any(Number) },
    });
  });

  it('reports commands by type and outcome, bids by code, WebSockets, lags and the event loop', async () => {
    const seller = await registerUser(server.url, 'seller');
    const bidder = await registerUser(server.url, 'bidder');
    const auctionId = await createAuction(server.url, seller.token);
    const ws = await connectWs(server.url);
    ws.send({ type: 'subscribe', auctionId });
    await ws.until((m) => m.some((x) => x.type === 'subscribed'));
    expect(
      (
        await call(server.url, 'POST', `/auctions/${auctionId}/bids`, {
          token: bidder.token,
          body: { amount: 1000 },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call(server.url, 'POST', `/auctions/${auctionId}/bids`, {
          token: bidder.token,
          body: { amount: 1 },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await call(server.url, 'POST', `/auctions/${auctionId}/bids`, {
          token: seller.token,
          body: { amount: 5000 },
        })
      ).status,
    ).toBe(422);
    await ws.until((m) => m.some((x) => x.type === 'auction.event'));

    const text = await (await fetch(`${server.url}/metrics`)).text();
    const value = (pattern: string) => {
      const line = text.split('\n').find((l) => l.startsWith(pattern));
      return line === undefined ? undefined : Number(line.split(' ').pop());
    };
    expect(
      value('command_duration_seconds_count{command="CreateAuction",outcome="accepted"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value('command_duration_seconds_count{command="PlaceBid",outcome="accepted"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value('command_duration_seconds_count{command="PlaceBid",outcome="BID_TOO_LOW"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(value('bids_total{result="accepted",code=""}')).toBeGreaterThanOrEqual(1);
    expect(value('bids_total{result="rejected",code="BID_TOO_LOW"}')).toBeGreaterThanOrEqual(1);
    expect(value('bids_total{result="rejected",code="SELLER_CANNOT_BID"}')).toBeGreaterThanOrEqual(1);
    expect(value('websocket_connections')).toBeGreaterThanOrEqual(1);
    expect(value('websocket_messages_total{direction="in"}')).toBeGreaterThanOrEqual(1);
    expect(value('websocket_messages_total{direction="out"}')).toBeGreaterThanOrEqual(2);
    expect(value('projection_lag_seconds_count{projection="redis-read-model"}')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('# TYPE auction_close_delay_seconds histogram');
    expect(value('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    ws.close();
  });
});

describe('rate limits', () => {
  let a: Awaited<ReturnType<typeof startTestApp>>;
  let b: Awaited<ReturnType<typeof startTestApp>>;
  // Windows long enough that a slow CI machine still fits each test's burst in one.
  const env = { RATE_LIMIT_AUTH: '3/5', RATE_LIMIT_BIDS: '4/5' };

  beforeAll(async () => {
    a = await startTestApp({ label: 'limits', env });
    // A second instance on the same database and Redis: the counts are shared.
    b = await startTestApp({ databaseUrl: a.databaseUrl, env });
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  const login = (url: string) =>
    call(url, 'POST', '/auth/login', { body: { email: 'nobody@example.test', password: 'wrong password' } });

  it('limits register and login per IP across instances with 429 and Retry-After, then recovers', async () => {
    // A window starts with its first request: the four fall in one.
    const replies = [await login(a.url), await login(b.url), await login(a.url), await login(b.url)];
    expect(replies.map((r) => r.status)).toEqual([401, 401, 401, 429]);
    const limited = replies[3]!;
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(limited.body).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(5);
    const register = await call(a.url, 'POST', '/auth/register', {
      body: {
        email: `late-${Date.now()}@example.test`,
        password: 'correct horse battery',
        displayName: 'Late',
      },
    });
    expect(register.status).toBe(429);

    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
    expect((await login(a.url)).status).toBe(401);
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    expect(metrics).toMatch(/rate_limited_total\{limit="auth"\} [1-9]/);
  });

  it('limits bids per user, not per auction or per IP, and recovers', async () => {
    // Tokens straight from the issuer: registering would count against the per-IP limit.
    const issuer = getTokenIssuer(TEST_JWT_SECRET, 600);
    const tokenFor = () => ({ token: issuer.issue({ sub: randomUUID(), roles: ['bidder'] }) });
    const [seller, bidder, other] = [tokenFor(), tokenFor(), tokenFor()];
    const auctionId = await createAuction(a.url, seller.token, { startingPrice: 100, minIncrement: 1 });
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 5; i++) {
      const res = await call(i % 2 ? b.url : a.url, 'POST', `/auctions/${auctionId}/bids`, {
        token: bidder.token,
        body: { amount: 1000 + i * 10 },
      });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses).toEqual([201, 201, 201, 201, 429]);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Someone else bids freely meanwhile.
    const byOther = await call(a.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: other.token,
      body: { amount: 5000 },
    });
    expect(byOther.status).toBe(201);
    // A limited bid recorded nothing (the leader's own bids are recorded as ceiling raises).
    const events = (await a.app.eventStore.readStream(`auction-${auctionId}`)).filter(
      (e) => e.type === 'BidPlaced' || e.type === 'MaxBidRaised',
    );
    expect(events).toHaveLength(5);

    await new Promise((r) => setTimeout(r, Number(limited!.headers.get('retry-after')) * 1000 + 100));
    const again = await call(b.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: bidder.token,
      body: { amount: 6000 },
    });
    expect(again.status).toBe(201);
  });
});
