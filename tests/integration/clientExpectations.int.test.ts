/**
 * What a client of a well-known public API expects and finds: compression, caching headers,
 * CORS that exposes what the contract documents, 401 challenges, the AsyncAPI document, and
 * documented 429s. Raw HTTP (node:http), so nothing decompresses or hides a header.
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import jwt from 'jsonwebtoken';
import { call, createAuction, registerUser, startTestApp } from '../support/testApp';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

function raw(t: TestApp, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }>((resolve, reject) => {
    const req = request(`${t.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('what a client of a well-known API expects', () => {
  let t: TestApp;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  const origin = 'https://shop.example';
  beforeAll(async () => {
    t = await startTestApp({ label: 'client', env: { CORS_ORIGINS: origin, RATE_LIMIT_BIDS: '100/60' } });
    seller = await registerUser(t.url, 'seller');
    for (let i = 0; i < 8; i++) await createAuction(t.url, seller.token, { title: `Lot ${i} `.repeat(20) });
  });
  afterAll(() => t.stop());

  it('compresses JSON over 1 KiB and the documents, by gzip or brotli as accepted', async () => {
    const plain = await raw(t, '/openapi.json');
    const gzip = await raw(t, '/openapi.json', { 'accept-encoding': 'gzip' });
    const br = await raw(t, '/openapi.json', { 'accept-encoding': 'br' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(gzip.body.length).toBeLessThan(plain.body.length / 4);
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    const list = await raw(t, '/auctions?limit=100', { 'accept-encoding': 'gzip, br' });
    expect(list.headers['content-encoding']).toBe('br');
    expect(String(list.headers.vary)).toMatch(/Accept-Encoding/i);
    const index = await fetch(`${t.url}/`);
    const script = (await index.text()).match(/\/assets\/app-[A-Z0-9]+\.js/)![0];
    const page = await raw(t, script, { 'accept-encoding': 'gzip' });
    expect(page.headers['content-encoding']).toBe('gzip');
    // A small reply is not worth it.
    const small = await raw(t, '/health/live', { 'accept-encoding': 'gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('lists are no-cache with an ETag and a 304; /me/* is private', async () => {
    const list = await raw(t, '/auctions?limit=5');
    expect(list.headers['cache-control']).toBe('no-cache');
    expect(list.headers.etag).toMatch(/^"/);
    const again = await raw(t, '/auctions?limit=5', { 'if-none-match': String(list.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    for (const path of ['/me', '/me/bids', '/me/watchlist', '/me/notifications']) {
      const mine = await raw(t, path, { authorization: `Bearer ${seller.token}` });
      expect([path, mine.status, mine.headers['cache-control']]).toEqual([path, 200, 'private, no-cache']);
      expect(String(mine.headers.vary)).toMatch(/Authorization/);
    }
  });

  it('CORS: Vary keeps Origin beside Authorization, and every documented header is exposed', async () => {
    const [id] = ((await call(t.url, 'GET', '/auctions?limit=1')).body.items as { auctionId: string }[]).map(
      (i) => i.auctionId,
    );
    for (const headers of [{ origin }, { origin, authorization: `Bearer ${seller.token}` }] as Record<
      string,
      string
    >[]) {
      const res = await raw(t, `/auctions/${id}`, headers);
      expect(res.status).toBe(200);
      const vary = String(res.headers.vary);
      expect(vary).toMatch(/Origin/);
      expect(vary).toMatch(/Authorization/);
      const exposed = String(res.headers['access-control-expose-headers']);
      for (const name of [
        'Location',
        'ETag',
        'Idempotent-Replayed',
        'X-Projection-Position',
        'X-Event-Position',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
        'Retry-After',
      ])
        expect(exposed).toContain(name);
    }
  });

  it('every 401 carries a Bearer challenge; a failed token says invalid_token', async () => {
    const login = await call(t.url, 'POST', '/auth/login', {
      body: { email: 'no@example.test', password: 'wrongwrong' },
    });
    expect(login.status).toBe(401);
    expect(login.headers.get('www-authenticate')).toBe('Bearer realm="live-auctions"');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ sub: seller.userId, roles: ['admin'] }),
    ).toString('base64url')}.`;
    const expired = jwt.sign(
      { sub: seller.userId, roles: ['bidder'], exp: 1 },
      'test-secret-0123456789abcdef0123456789',
    );
    for (const token of [none, expired]) {
      const res = await call(t.url, 'GET', '/me', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(
        /^Bearer realm="live-auctions", error="invalid_token"/,
      );
    }
    const anonymous = await call(t.url, 'GET', '/me');
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="live-auctions"');
  });

  it('serves the AsyncAPI document at /asyncapi.json, linked from the OpenAPI description', async () => {
    const res = await call(t.url, 'GET', '/asyncapi.json');
    expect(res.status).toBe(200);
    expect(res.body.asyncapi).toMatch(/^3\./);
    const openApi = await call(t.url, 'GET', '/openapi.json');
    expect((openApi.body.info as { description: string }).description).toContain('/asyncapi.json');
    expect((await call(t.url, 'GET', '/docs/asyncapi.json')).status).toBe(404);
  });

  it('documents 429 with Retry-After and the RateLimit headers on every rate-limited operation, and sends them', async () => {
    const doc = (await call(t.url, 'GET', '/openapi.json')).body as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>
      >;
    };
    for (const [path, method] of [
      ['/auth/register', 'post'],
      ['/auth/login', 'post'],
      ['/auctions/{id}/bids', 'post'],
    ] as const) {
      const limited = doc.paths[path]![method]!.responses['429'];
      expect([path, Object.keys(limited?.headers ?? {}).sort()]).toEqual([
        path,
        [
          'Access-Control-Allow-Origin',
          'RateLimit-Limit',
          'RateLimit-Remaining',
          'RateLimit-Reset',
          'Retry-After',
        ],
      ]);
    }
    const auctionId = await createAuction(t.url, seller.token);
    const bidder = await registerUser(t.url, 'bidder');
    const bid = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: bidder.token,
      body: { amount: 1000 },
    });
    expect(bid.status).toBe(201);
    expect(Number(bid.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
  });
});

describe('GET /metrics where METRICS_TOKEN is set', () => {
  let t: TestApp;
  const token = 'metrics-token-0123456789';
  beforeAll(async () => {
    t = await startTestApp({ label: 'metrics_token', env: { METRICS_TOKEN: token } });
  });
  afterAll(() => t.stop());

  it('needs that token as a bearer token, and nothing else will do', async () => {
    const user = await registerUser(t.url, 'user');
    for (const authorization of [undefined, `Bearer ${user.token}`, `Bearer ${token}x`]) {
      const res = await raw(t, '/metrics', authorization ? { authorization } : {});
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    }
    const ok = await raw(t, '/metrics', { authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toContain('projection_failures_total');
  });
});
