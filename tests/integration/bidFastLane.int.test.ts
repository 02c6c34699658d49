import { request } from 'node:http';
import jwt from 'jsonwebtoken';
import { call, createAuction, registerUser, startTestApp, TEST_JWT_SECRET } from '../support/testApp';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/**
 * A bid sent as a client sends it (Content-Length: the fast lane) or chunked (which the fast lane
 * leaves to express): both must answer alike, byte for byte where nothing is fresh.
 */
function send(
  base: string,
  path: string,
  raw: string,
  options: { token?: string; chunked?: boolean; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.chunked ? {} : { 'content-length': Buffer.byteLength(raw) }),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : {} }),
        );
      },
    );
    req.on('error', reject);
    if (options.chunked) req.setHeader('transfer-encoding', 'chunked');
    req.end(raw);
  });
}

// What differs between two answers by nature: the time, the request id, the framing.
const FRESH = new Set([
  'date',
  'x-request-id',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
]);
const stableHeaders = (answer: Answer) =>
  Object.fromEntries(
    Object.entries(answer.headers)
      .filter(([name]) => !FRESH.has(name))
      .map(([name, value]) => [name, name === 'location' ? 'present' : value])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );

async function fastLaneCount(base: string) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('http_fast_lane_requests_total{') && l.includes('route="/auctions/:id/bids"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('POST /auctions/:id/bids in front of express', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  let alice: Awaited<ReturnType<typeof registerUser>>;
  let bob: Awaited<ReturnType<typeof registerUser>>;
  let auctionId: string;
  let amount = 1000;

  beforeAll(async () => {
    t = await startTestApp({ label: 'fastlane' });
    [seller, alice, bob] = await Promise.all([
      registerUser(t.url, 'seller'),
      registerUser(t.url, 'alice'),
      registerUser(t.url, 'bob'),
    ]);
    auctionId = await createAuction(t.url, seller.token);
  });
  afterAll(() => t.stop());

  /**
   * The same request both ways, by alice through the lane, then by bob through express (so that
   * two accepted bids are two bids, not a leader raising her own ceiling); returns both answers.
   */
  async function both(path: string, raw: () => string, options: Parameters<typeof send>[3] = {}) {
    const before = await fastLaneCount(t.url);
    const fast = await send(t.url, path, raw(), { token: alice.token, ...options });
    const middle = await fastLaneCount(t.url);
    const slow = await send(t.url, path, raw(), { token: bob.token, ...options, chunked: true });
    expect(middle).toBe(before + 1); // the first took the lane
    expect(await fastLaneCount(t.url)).toBe(middle); // the chunked one did not
    expect(stableHeaders(fast)).toEqual(stableHeaders(slow));
    return [fast, slow] as const;
  }

  it('accepts a bid with the same reply and headers as express', async () => {
    const [fast, slow] = await both(`/auctions/${auctionId}/bids`, () =>
      JSON.stringify({ amount: (amount += 100) }),
    );
    expect([fast.status, slow.status]).toEqual([201, 201]);
    expect(Object.keys(fast.body).sort()).toEqual(Object.keys(slow.body).sort());
    expect(fast.headers.location).toBe(`/auctions/${auctionId}/bids/${fast.body.bidId as string}`);
    expect(fast.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(slow.body.revision).toBe((fast.body.revision as number) + 1);
  });

  it.each([
    ['malformed JSON', '{"amount":', 'MALFORMED_JSON'],
    ['JSON that is not an object', '5', 'VALIDATION_FAILED'],
    ['a member name twice', '{"amount":5000,"amount":1}', 'VALIDATION_FAILED'],
    ['a lone surrogate', '{"amount":5000,"x":"a\\ud800b"}', 'VALIDATION_FAILED'],
    ['nesting deeper than 32 levels', `{"amount":${'['.repeat(33)}${']'.repeat(33)}}`, 'VALIDATION_FAILED'],
    ['a field of the wrong type', '{"amount":"12"}', 'VALIDATION_FAILED'],
    ['an unknown field and a negative amount', '{"amount":-1,"note":"x"}', 'VALIDATION_FAILED'],
    ['a NUL character', '{"amount":5000,"x":"a\\u0000b"}', 'VALIDATION_FAILED'],
    ['a ceiling below the amount', '{"amount":5000,"maxAmount":10}', 'VALIDATION_FAILED'],
    ['a bid too low', '{"amount":1}', 'BID_TOO_LOW'],
  ])('refuses %s exactly as express does', async (_name, raw, code) => {
    const [fast, slow] = await both(`/auctions/${auctionId}/bids`, () => raw);
    expect(fast.status).toBe(slow.status);
    expect(fast.body).toEqual(slow.body);
    expect(fast.body.code).toBe(code);
    expect(fast.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  });

  it('refuses an unknown auction, a seller and a bad Idempotency-Key alike', async () => {
    const unknown = await both(`/auctions/${crypto.randomUUID()}/bids`, () => '{"amount":5000}');
    expect(unknown.map((a) => a.body.code)).toEqual(['AUCTION_NOT_FOUND', 'AUCTION_NOT_FOUND']);
    const own = await both(`/auctions/${auctionId}/bids`, () => '{"amount":50000}', { token: seller.token });
    expect(own.map((a) => a.body.code)).toEqual(['SELLER_CANNOT_BID', 'SELLER_CANNOT_BID']);
    const badKey = await both(`/auctions/${auctionId}/bids`, () => '{"amount":50000}', {
      headers: { 'idempotency-key': 'has space' },
    });
    expect(badKey[0].body).toEqual(badKey[1].body);
    expect(badKey[0].status).toBe(400);
  });

  it('names the auction in lower case whatever the case of the path', async () => {
    const [fast, slow] = await both(`/auctions/${auctionId.toUpperCase()}/bids`, () =>
      JSON.stringify({ amount: (amount += 100) }),
    );
    expect([fast.body.auctionId, slow.body.auctionId]).toEqual([auctionId, auctionId]);
  });

  it('replays a keyed bid and refuses the key with another body, across both paths', async () => {
    const key = `fast-${Date.now()}`;
    const raw = JSON.stringify({ amount: (amount += 100) });
    const first = await send(t.url, `/auctions/${auctionId}/bids`, raw, {
      token: alice.token,
      headers: { 'idempotency-key': key },
    });
    const again = await send(t.url, `/auctions/${auctionId}/bids`, raw, {
      token: alice.token,
      chunked: true,
      headers: { 'idempotency-key': key },
    });
    const fastAgain = await send(t.url, `/auctions/${auctionId}/bids`, raw, {
      token: alice.token,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(fastAgain.body).toEqual(first.body);
    expect([again.headers['idempotent-replayed'], fastAgain.headers['idempotent-replayed']]).toEqual([
      'true',
      'true',
    ]);
    const other = await send(t.url, `/auctions/${auctionId}/bids`, '{"amount":999999}', {
      token: alice.token,
      headers: { 'idempotency-key': key },
    });
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('leaves to express what it does not fully handle: no token, a bad token, a query string', async () => {
    amount += 100;
    const before = await fastLaneCount(t.url);
    const anonymous = await send(t.url, `/auctions/${auctionId}/bids`, '{"amount":5000}');
    const forged = await send(t.url, `/auctions/${auctionId}/bids`, '{"amount":5000}', {
      token: jwt.sign({ sub: alice.userId, roles: ['bidder'] }, 'not-our-secret'),
    });
    const query = await send(t.url, `/auctions/${auctionId}/bids?x=1`, JSON.stringify({ amount }), {
      token: alice.token,
    });
    expect([anonymous.status, forged.status]).toEqual([401, 401]);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="live-auctions"');
    expect(forged.headers['www-authenticate']).toMatch(
      /^Bearer realm="live-auctions", error="invalid_token"/,
    );
    expect(query.status).toBe(201); // the route takes no query: express ignores it, as before
    expect(await fastLaneCount(t.url)).toBe(before);
  });

  it('stops taking a remembered token the second it expires', async () => {
    const token = jwt.sign(
      { sub: alice.userId, roles: ['bidder'], exp: Math.floor(Date.now() / 1000) + 1 },
      TEST_JWT_SECRET,
      { algorithm: 'HS256' },
    );
    const fresh = await send(
      t.url,
      `/auctions/${auctionId}/bids`,
      JSON.stringify({ amount: (amount += 100) }),
      {
        token,
      },
    );
    expect(fresh.status).toBe(201);
    await new Promise((r) => setTimeout(r, 2100));
    const stale = await send(
      t.url,
      `/auctions/${auctionId}/bids`,
      JSON.stringify({ amount: (amount += 100) }),
      {
        token,
      },
    );
    expect(stale.status).toBe(401);
  });
});

describe('the bid rate limit on both paths', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;

  beforeAll(async () => {
    t = await startTestApp({ label: 'fastlimit', env: { RATE_LIMIT_BIDS: '3/60' } });
  });
  afterAll(() => t.stop());

  it('counts the lane and express in one limit and answers 429 alike', async () => {
    const seller = await registerUser(t.url, 'seller');
    const bob = await registerUser(t.url, 'bob');
    const auctionId = await createAuction(t.url, seller.token);
    const path = `/auctions/${auctionId}/bids`;
    const answers = [
      await send(t.url, path, '{"amount":1000}', { token: bob.token }),
      await send(t.url, path, '{"amount":1100}', { token: bob.token, chunked: true }),
      await send(t.url, path, '{"amount":1200}', { token: bob.token }),
      await send(t.url, path, '{"amount":1300}', { token: bob.token }),
      await send(t.url, path, '{"amount":1400}', { token: bob.token, chunked: true }),
    ];
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 429, 429]);
    expect(answers.map((a) => a.headers['ratelimit-remaining'])).toEqual(['2', '1', '0', '0', '0']);
    // Alike, but for the seconds left: the two may be answered on either side of a second's edge.
    const [fourth, fifth] = [answers[3]!.body, answers[4]!.body] as Array<Record<string, unknown>>;
    const withoutSeconds = (b: Record<string, unknown>) => ({
      ...b,
      retryAfter: undefined,
      detail: String(b.detail).replace(/\d+ s$/, 'N s'),
    });
    expect(withoutSeconds(fourth!)).toEqual(withoutSeconds(fifth!));
    expect(Math.abs(Number(fourth!.retryAfter) - Number(fifth!.retryAfter))).toBeLessThanOrEqual(1);
    expect(stableHeaders(answers[3]!)).toEqual(stableHeaders(answers[4]!));
    expect(Number(answers[3]!.headers['retry-after'])).toBeGreaterThan(0);
    const stream = await call(t.url, 'GET', `/auctions/${auctionId}/bids`);
    expect(stream.status).toBe(200);
  });
});
