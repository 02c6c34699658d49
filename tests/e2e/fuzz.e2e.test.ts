/**
 * The fuzzer: random, malformed, huge, wrong-typed and boundary requests to every documented
 * route (driven by /openapi.json, so a new route is fuzzed without touching this file), with
 * random tokens, content types, idempotency keys and positions, in random order over a shared
 * set of auctions (so bids land after cancels, cancels after bids, retries after answers); then
 * random frames at the WebSocket. Against a real server process: zero 5xx, zero crashes, no
 * error in its log, and the event log unchanged by every rejected request and every replay.
 *   FUZZ_RUNS=20000 npx jest tests/e2e/fuzz    (default 1500 HTTP requests, 1500 WebSocket frames)
 */
import fc from 'fast-check';
import { Pool } from 'pg';
import sharp from 'sharp';
import WebSocket from 'ws';
import { getTokenIssuer } from '../../src/auth';
import { serverMessageSchemas } from '../../src/realtime';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { edgeStrings, encodeAnyURIComponent, valueFor } from '../support/fuzzArbitraries';
import { freePort, serverEnv, startServerProcess, type ServerProcess } from '../support/serverProcess';
import { createTestDatabase } from '../support/testDatabase';
import { createAuction, deleteKeys, registerUser } from '../support/testApp';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
/** A failing run's seed (from its report) replays it: FUZZ_SEED=n. */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const SECRET = 'test-secret-0123456789abcdef0123456789';

type Parameter = { name: string; in: string; schema: object };
type Operation = {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: object;
};

const routeOf = (op: Operation) => `${op.method} ${op.path}`;
const headerSafe = (s: string) => s.replace(/[^\x20-\x7e]/g, '').trim();

/** fast-check's report, cut short: a counterexample may hold a 70 KB string. */
function shortReport<T>(out: fc.RunDetails<T>) {
  if (!out.failed) return;
  const example = JSON.stringify(out.counterexample, (_k, v: unknown) =>
    typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}…(${v.length} chars)` : v,
  );
  const cause = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
  throw new Error(
    `seed ${out.seed}, path ${out.counterexamplePath}: ${cause.slice(0, 1000)}\n${example.slice(0, 3000)}`,
  );
}

describe('the fuzzer', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: ServerProcess;
  let pool: Pool;
  const prefix = `fuzz-${process.pid}:`;
  let operations: Operation[];
  let tokens: Record<string, string | undefined>;
  let auctions: string[];
  let sales: string[];
  let bidIds: string[];
  let photoIds: string[];
  let userIds: string[];
  let assets: string[];
  let photo: Buffer;
  let bidderEmail: string;
  /** After the hammer: an invoice of the bidder's, a second chance's offer to them, its auction. */
  let invoiceIds: string[];
  let leavers: Array<{ token: string }>;
  let offerIds: string[];
  let unsold: string;

  beforeAll(async () => {
    database = await createTestDatabase('fuzz');
    server = await startServerProcess(
      serverEnv(database.url, prefix, { LOG_LEVEL: 'warn' }),
      await freePort(),
    );
    pool = new Pool({ connectionString: database.url, max: 2 });
    const seller = await registerUser(server.url, 'seller');
    const bidder = await registerUser(server.url, 'bidder');
    bidderEmail = bidder.email;
    auctions = [
      await createAuction(server.url, seller.token, { reservePrice: 5000 }),
      await createAuction(server.url, seller.token, {
        softClose: { windowSeconds: 3600, extensionSeconds: 60 },
      }),
      await createAuction(server.url, seller.token),
      await createAuction(server.url, bidder.token, { startingPrice: 0, minIncrement: 1 }),
      // Far from its end: bids on it may be retracted.
      await createAuction(server.url, seller.token, {
        endsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      }),
      // Buy it now: each can be bought once, until its first bid.
      ...(await Promise.all(
        [5000, 6000, 7000].map((buyNowPrice) => createAuction(server.url, seller.token, { buyNowPrice })),
      )),
    ];
    // Sales: one that takes lots (it starts in a day), one under way.
    const saleOf = async (startsInMs: number, requiresApproval = false) => {
      const res = await fetch(`${server.url}/sales`, {
        method: 'POST',
        headers: { authorization: `Bearer ${seller.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          title: 'Fuzzed sale',
          currency: 'EUR',
          startsAt: new Date(Date.now() + startsInMs).toISOString(),
          firstLotEndsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
          requiresApproval,
        }),
      });
      return ((await res.json()) as { saleId: string }).saleId;
    };
    sales = [await saleOf(86_400_000), await saleOf(-1000), await saleOf(86_400_000, true)];
    // Users to block, register, suspend and look up (not the seller or the bidder, whom a
    // suspension would stop for the rest of the run).
    const other = await registerUser(server.url, 'other');
    userIds = [other.userId, bidder.userId];
    // The bidder asked to bid in the sale that requires approval: the seller may answer.
    await fetch(`${server.url}/sales/${sales[2]}/registrations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bidder.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    // After the hammer: a lot the bidder bought (its invoice takes payments and checkout details)
    // and one whose reserve was not met (offered to them by a second chance).
    const shortLived = async (reservePrice?: number) => {
      const id = await createAuction(server.url, seller.token, {
        endsAt: new Date(Date.now() + 1500).toISOString(),
        ...(reservePrice ? { reservePrice } : {}),
      });
      await fetch(`${server.url}/auctions/${id}/bids`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bidder.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 1_000_000 }),
      });
      return id;
    };
    const bought = await shortLived();
    unsold = await shortLived(50_000_000);
    const unsoldToo = await shortLived(50_000_000);
    const settled = async <T>(attempt: () => Promise<T | undefined>): Promise<T> => {
      for (let i = 0; i < 200; i++) {
        const found = await attempt();
        if (found !== undefined) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('after the hammer did not settle');
    };
    const invoiceId = await settled(async () => {
      const res = await fetch(`${server.url}/me/invoices`, {
        headers: { authorization: `Bearer ${bidder.token}` },
      });
      const { items } = (await res.json()) as { items: Array<{ invoiceId: string; auctionId: string }> };
      return items.find((i) => i.auctionId === bought)?.invoiceId;
    });
    const offerOn = (auctionId: string) =>
      settled(async () => {
        const res = await fetch(`${server.url}/auctions/${auctionId}/second-chance`, {
          method: 'POST',
          headers: { authorization: `Bearer ${seller.token}`, 'content-type': 'application/json' },
          body: '{}',
        });
        return res.status === 201 ? ((await res.json()) as { offerId: string }).offerId : undefined;
      });
    invoiceIds = [invoiceId];
    // Two offers, each answered once: an accept or a decline, whichever comes first.
    offerIds = [await offerOn(unsold), await offerOn(unsoldToo)];
    // Accounts the fuzzer may delete (with the password), one per known-good DELETE /me.
    leavers = await Promise.all([1, 2, 3].map(() => registerUser(server.url, 'leaver')));
    // A bid to find by id (GET /auctions/{id}/bids/{bidId}).
    const firstBid = await fetch(`${server.url}/auctions/${auctions[0]}/bids`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bidder.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 1000 }),
    });
    bidIds = [((await firstBid.json()) as { bidId: string }).bidId];
    // A photo to read (GET /photos/{id}) and remove, and the page's files (GET /assets/{name}).
    photo = await sharp({ create: { width: 32, height: 24, channels: 3, background: 'green' } })
      .png()
      .toBuffer();
    const added = await fetch(`${server.url}/auctions/${auctions[0]}/photos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${seller.token}`, 'content-type': 'image/png' },
      body: photo,
    });
    photoIds = [((await added.json()) as { photoId: string }).photoId];
    assets = ((await (await fetch(`${server.url}/`)).text()).match(/\/assets\/[A-Za-z0-9._-]+/g) ?? []).map(
      (a) => a.slice('/assets/'.length),
    );
    const issuer = getTokenIssuer(SECRET, 600);
    tokens = {
      none: undefined,
      seller: seller.token,
      bidder: bidder.token,
      analyst: issuer.issue({ sub: bidder.userId, roles: ['bidder', 'analyst'] }),
      admin: issuer.issue({ sub: seller.userId, roles: ['admin'] }),
      expired: getTokenIssuer(SECRET, 60)
        .issue({ sub: bidder.userId, roles: ['bidder'] })
        .replace(/\.[^.]+$/, '.AAAA'),
      garbage: 'garbage',
      ...Object.fromEntries(leavers.map((l, i) => [`leaver${i}`, l.token])),
    };
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<
          string,
          { parameters: Parameter[]; requestBody?: { content: Record<string, { schema: object }> } }
        >
      >;
    };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters,
        body: op.requestBody?.content['application/json']?.schema,
      })),
    );
  }, 60_000);

  afterAll(async () => {
    await pool?.end();
    await server?.kill('SIGTERM');
    await database?.drop();
    await deleteKeys(prefix);
  });

  // Events a request could have caused: the scheduler's own (a close, an ending-soon notice for
  // an auction the fuzzer created ending soon) come when they are due, and the sales' process
  // manager's (a cancelled sale's lots cancelled, each lot's end recorded) when it gets to them,
  // whatever request is under way.
  const eventCount = async () =>
    (
      await pool.query(
        `SELECT count(*)::int AS n FROM events
         WHERE metadata->>'commandType' IS DISTINCT FROM 'CloseAuction'
           -- after the hammer's process manager and deadlines, reacting to an earlier request
           AND coalesce(metadata->>'commandType', '') NOT IN
             ('IssueInvoice', 'MarkOverdue', 'VoidInvoice', 'ExpireOffer', 'RecordStrike')
           AND metadata->>'commandType' IS DISTINCT FROM 'MarkEndingSoon'
           AND type NOT IN ('LotClosed', 'SaleClosed')
           AND NOT (type = 'AuctionCancelled' AND data->>'reason' = 'The sale was cancelled')`,
      )
    ).rows[0].n as number;

  it(`answers ${RUNS} random requests over every route with no 5xx, and rejected ones change nothing`, async () => {
    expect(operations.length).toBeGreaterThan(15);
    const now = Date.now();
    const replies = new Map<string, { status: number; body: string }>();
    const statusCounts = new Map<string, Map<number, number>>();

    // Requests known to be good where random values alone seldom make one (real credentials, an
    // auction whose dates agree, an analyst's what-if, a bid above every earlier one), so the logic
    // behind those routes is fuzzed too; the rest of such a request (query, headers, path) is still
    // random.
    let nextAmount = 2_000_000;
    const json = (value: unknown) => () => JSON.stringify(value);
    const knownGood: Record<
      string,
      Array<{ auth: string; body: () => string | Buffer; contentType?: string }>
    > = {
      'POST /auctions/{id}/photos': [{ auth: 'seller', body: () => photo, contentType: 'image/png' }],
      'POST /auth/login': [
        { auth: 'none', body: json({ email: bidderEmail, password: 'correct horse battery' }) },
      ],
      'POST /auctions': [
        {
          auth: 'seller',
          body: json({
            title: 'Fuzzed lamp',
            currency: 'EUR',
            startingPrice: 100,
            minIncrement: 10,
            endsAt: new Date(now + 3_600_000).toISOString(),
          }),
        },
      ],
      'POST /auctions/{id}/bids': [
        { auth: 'bidder', body: () => JSON.stringify({ amount: (nextAmount += 1000) }) },
        {
          auth: 'analyst',
          body: () => JSON.stringify({ amount: (nextAmount += 1000), maxAmount: nextAmount * 2 }),
        },
      ],
      'POST /sales': [
        {
          auth: 'seller',
          body: json({
            title: 'Fuzzed sale',
            currency: 'EUR',
            startsAt: new Date(now + 86_400_000).toISOString(),
            firstLotEndsAt: new Date(now + 2 * 86_400_000).toISOString(),
            increments: [{ from: 0, increment: 50 }],
          }),
        },
      ],
      'POST /sales/{id}/lots': [{ auth: 'seller', body: json({ title: 'Fuzzed lot', startingPrice: 100 }) }],
      'POST /sales/{id}/cancel': [{ auth: 'seller', body: json({ reason: 'fuzzed' }) }],
      'POST /auctions/{id}/buy-now': [{ auth: 'bidder', body: json({}) }],
      'POST /auctions/{id}/bids/{bidId}/cancel': [{ auth: 'seller', body: json({ reason: 'fuzzed' }) }],
      'POST /admin/users/{id}/suspend': [{ auth: 'admin', body: json({ reason: 'fuzzed' }) }],
      'POST /sales/{id}/registrations': [{ auth: 'bidder', body: json({}) }],
      'POST /sales/{id}/registrations/{userId}/approve': [{ auth: 'seller', body: json({}) }],
      'POST /sales/{id}/registrations/{userId}/decline': [
        { auth: 'seller', body: json({ reason: 'fuzzed' }) },
      ],
      'POST /invoices/{id}/payments': [{ auth: 'seller', body: json({ amount: 1, method: 'cash' }) }],
      'PUT /invoices/{id}/checkout': [
        {
          auth: 'bidder',
          body: json({
            name: 'Fuzzed Buyer',
            address: { line1: '1 Fuzz Road', city: 'Fuzzton', postalCode: 'FZ1', country: 'GB' },
          }),
        },
      ],
      'POST /auctions/{id}/second-chance': [{ auth: 'seller', body: json({}) }],
      'POST /offers/{id}/accept': [{ auth: 'bidder', body: json({}) }],
      'POST /offers/{id}/decline': [{ auth: 'bidder', body: json({}) }],
      'DELETE /me': leavers.map((_, i) => ({
        auth: `leaver${i}`,
        body: json({ password: 'correct horse battery' }),
      })),
      'POST /analytics/what-if': [
        { auth: 'analyst', body: json({ rules: { proxyBidding: false } }) },
        { auth: 'analyst', body: json({ auctionIds: auctions, rules: { minIncrement: 'ladder' } }) },
      ],
    };
    const requestArb = fc.constantFrom(...operations).chain((op) => {
      const query = op.parameters.filter((p) => p.in === 'query');
      return fc.record({
        op: fc.constant(op),
        known: fc.oneof(
          { weight: 2, arbitrary: fc.constant(undefined) },
          {
            weight: knownGood[routeOf(op)] ? 1 : 0,
            arbitrary: fc.constantFrom(...(knownGood[routeOf(op)] ?? [undefined])),
          },
        ),
        // The other path parameters: mostly real values (a bid, a problem code), sometimes junk.
        bidId: fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...bidIds) },
          { weight: 1, arbitrary: fc.uuid() },
          { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(encodeAnyURIComponent) },
        ),
        // A registration's bidder may be the fuzzed bidder; a block never is (it would stop their bids).
        userId: fc.oneof(
          {
            weight: 4,
            arbitrary: fc.constantFrom(
              ...(op.path.includes('/registrations') ? userIds : userIds.slice(0, 1)),
            ),
          },
          { weight: 1, arbitrary: fc.uuid() },
          { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(encodeAnyURIComponent) },
        ),
        photoId: fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...photoIds) },
          { weight: 1, arbitrary: fc.uuid() },
          { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(encodeAnyURIComponent) },
        ),
        asset: fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...assets) },
          { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(encodeAnyURIComponent) },
        ),
        code: fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom('BID_TOO_LOW', 'NOT_FOUND', 'VALIDATION_FAILED') },
          { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(encodeAnyURIComponent) },
        ),
        id: fc.oneof(
          // A sale's routes take a sale's id, a user's (an admin's) a user's, the others an auction's.
          {
            weight: 6,
            arbitrary: fc.constantFrom(
              ...(op.path.includes('/sales')
                ? sales
                : op.path.startsWith('/admin/users')
                  ? userIds.slice(0, 1)
                  : op.path.startsWith('/invoices/')
                    ? invoiceIds
                    : op.path.startsWith('/offers/')
                      ? offerIds
                      : op.path.endsWith('/second-chance')
                        ? [unsold]
                        : auctions),
            ),
          },
          { weight: 1, arbitrary: fc.uuid() },
          {
            weight: 1,
            arbitrary: fc
              .constantFrom(...edgeStrings.filter((s) => s.length < 400))
              .map(encodeAnyURIComponent),
          },
          { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(encodeAnyURIComponent) },
        ),
        query: fc.oneof(
          { weight: 3, arbitrary: fc.constant([] as Array<[string, unknown]>) },
          {
            weight: 2,
            arbitrary: fc.array(
              fc.tuple(
                fc.oneof(fc.constantFrom(...query.map((p) => p.name), 'x'), fc.string({ maxLength: 8 })),
                fc.oneof(
                  ...query.map((p) => valueFor(p.schema, now)),
                  fc.constantFrom(...edgeStrings.filter((s) => s.length < 400)),
                  // A real account's email (an admin looks a user up by it).
                  fc.constant(bidderEmail),
                ),
              ),
              { maxLength: 3 },
            ),
          },
        ),
        // Weighted towards requests that pass the outer checks, so the logic behind them is fuzzed too.
        auth: fc.oneof(
          { weight: 4, arbitrary: fc.constant('bidder') },
          { weight: 2, arbitrary: fc.constant('seller') },
          { weight: 2, arbitrary: fc.constant('analyst') },
          { weight: op.path.startsWith('/admin') ? 4 : 1, arbitrary: fc.constant('admin') },
          { weight: 1, arbitrary: fc.constantFrom('none', 'garbage', 'expired') },
        ),
        contentType: fc.oneof(
          { weight: 8, arbitrary: fc.constant('application/json') },
          {
            weight: 2,
            arbitrary: fc.constantFrom(
              'application/json; charset=utf-8',
              'text/plain',
              'application/json; charset=utf-16',
              'application/x-www-form-urlencoded',
              '',
            ),
          },
        ),
        body: fc.oneof(
          {
            weight: 6,
            arbitrary: op.body
              ? valueFor(op.body, now).map((v) => JSON.stringify(v))
              : fc.constant(undefined),
          },
          { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
          { weight: 1, arbitrary: fc.string({ maxLength: 50 }) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              '{',
              '{"amount":',
              '[]',
              'null',
              '"x"',
              `{"amount":${'9'.repeat(400)}}`,
              JSON.stringify({ title: 'x'.repeat(70_000) }),
            ),
          },
        ),
        idempotencyKey: fc.oneof(
          { weight: 4, arbitrary: fc.constant(undefined) },
          { weight: 2, arbitrary: fc.constantFrom('retry-1', 'retry-2', 'retry-3') },
          { weight: 1, arbitrary: fc.string({ maxLength: 300 }).map(headerSafe) },
        ),
        minPosition: fc.oneof(
          { weight: 6, arbitrary: fc.constant(undefined) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(...edgeStrings.filter((s) => s.length < 100)).map(headerSafe),
          },
          { weight: 1, arbitrary: fc.string().map(headerSafe) },
        ),
      });
    });

    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        // Every path parameter by its name: a bid, a photo, a file, a problem code, or else an auction.
        const path = r.op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
          name === 'bidId'
            ? r.bidId
            : name === 'userId'
              ? r.userId
              : name === 'photoId' || (name === 'id' && r.op.path.startsWith('/photos/'))
                ? r.photoId
                : name === 'name'
                  ? r.asset
                  : name === 'code'
                    ? r.code
                    : r.id,
        );
        const search = r.query
          .map(
            ([k, v]) =>
              `${encodeAnyURIComponent(k)}=${encodeAnyURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`,
          )
          .join('&');
        const url = `${server.url}${path}${search ? `?${search}` : ''}`;
        const headers: Record<string, string> = {};
        const auth = r.known?.auth ?? r.auth;
        if (tokens[auth]) headers.authorization = `Bearer ${tokens[auth]}`;
        const contentType = r.known?.contentType ?? r.contentType;
        if (contentType) headers['content-type'] = contentType;
        if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
        if (r.minPosition !== undefined) headers['x-min-position'] = r.minPosition;
        const body = r.op.method === 'GET' ? undefined : (r.known?.body() ?? r.body);
        const before = await eventCount();
        let res: Response;
        try {
          res = await fetch(url, { method: r.op.method, headers, body, signal: AbortSignal.timeout(10_000) });
        } catch (error) {
          // fetch refuses some header values before sending; anything else is the server's fault.
          if (error instanceof TypeError && /header|ByteString/i.test(String(error.cause ?? error.message)))
            return;
          throw error;
        }
        const text = await res.text();
        const after = await eventCount();
        const label = `${r.op.method} ${url.slice(server.url.length, 200)} -> ${res.status} ${text.slice(0, 200)}`;
        const route = routeOf(r.op);
        if (!statusCounts.has(route)) statusCounts.set(route, new Map());
        statusCounts.get(route)!.set(res.status, (statusCounts.get(route)!.get(res.status) ?? 0) + 1);
        if (res.status >= 500) throw new Error(`5xx: ${label}`);
        if (res.status >= 400) {
          if (after !== before) throw new Error(`a rejected request changed the log: ${label}`);
          if (!res.headers.get('content-type')?.includes('application/problem+json'))
            throw new Error(`not a problem: ${label}`);
        }
        // A retry with the same key, body and user, on a route that documents the key: the first
        // reply again, and nothing new.
        const keyed = r.op.parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
        if (r.idempotencyKey !== undefined && keyed && res.status < 300) {
          const key = `${auth} ${r.op.method} ${path} ${r.idempotencyKey} ${body}`;
          const first = replies.get(key);
          if (first) {
            if (after !== before) throw new Error(`a replay changed the log: ${label}`);
            if (first.body !== text)
              throw new Error(`a replay answered differently: ${label} vs ${first.body}`);
          } else replies.set(key, { status: res.status, body: text });
        }
      }),
      {
        numRuns: RUNS,
        endOnFailure: true,
        reporter: shortReport,
        ...(SEED === undefined ? {} : { seed: SEED }),
      },
    );

    if (process.env.FUZZ_DEBUG)
      for (const [route, statuses] of statusCounts)
        console.log(route, JSON.stringify(Object.fromEntries(statuses)));
    const tally: Record<number, number> = {};
    for (const statuses of statusCounts.values())
      for (const [s, n] of statuses) tally[s] = (tally[s] ?? 0) + n;
    console.log(
      `fuzz: ${RUNS} HTTP requests over ${operations.length} operations, by status ${JSON.stringify(tally)}`,
    );
    // Every route was reached, and nearly every one was answered with a success at least once. A
    // few succeed only now and then by chance (a cancel needs its auction still without bids, a
    // bid by id needs a real pair of ids): in runs measured, each of those was missed in fewer than
    // one run in ten and every other route never, so missing more than 15% of routes is a real loss
    // of reach, not bad luck.
    expect([...statusCounts.keys()].sort()).toEqual(operations.map(routeOf).sort());
    const succeeded = [...statusCounts].filter(([, statuses]) => [...statuses.keys()].some((s) => s < 300));
    const missed = operations.map(routeOf).filter((route) => !succeeded.some(([r]) => r === route));
    expect({ missed, reached: succeeded.length / operations.length >= 0.85 }).toEqual({
      missed,
      reached: true,
    });
    expect(server.child.exitCode).toBeNull();
  }, 300_000);

  it(`answers ${RUNS} random WebSocket frames with protocol messages only, and survives them`, async () => {
    const before = await eventCount();
    const frameArb = fc.oneof(
      {
        weight: 4,
        arbitrary: valueFor(
          {
            type: 'object',
            properties: {
              type: { enum: ['subscribe', 'unsubscribe', 'ping'] },
              auctionId: { type: 'string', format: 'uuid' },
              afterRevision: { type: 'integer' },
            },
            required: ['type'],
          },
          Date.now(),
        ).map((v) => JSON.stringify(v)),
      },
      {
        weight: 3,
        arbitrary: fc
          .record({
            type: fc.constantFrom('subscribe', 'unsubscribe'),
            auctionId: fc.constantFrom(...auctions),
            afterRevision: fc.option(fc.integer({ min: -5, max: 50 }), { nil: undefined }),
          })
          .map((v) => JSON.stringify(v)),
      },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
      { weight: 1, arbitrary: fc.constantFrom('{', 'null', '[]', '{"type":"ping","x":1}', 'x'.repeat(5000)) },
    );
    // Frames over the 64 KiB limit close the connection; they are tried once, below.
    const frames = fc
      .sample(frameArb, RUNS * 2)
      .filter((f) => Buffer.byteLength(f) < 60_000)
      .slice(0, RUNS);
    const ajv = addFormats(new Ajv({ strict: false }));
    const validators = Object.values(serverMessageSchemas).map((s) => ajv.compile(s));
    let open = 0;
    for (let start = 0; start < frames.length; start += 100) {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      open++;
      const received: unknown[] = [];
      let pongs = 0;
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { type: string };
        received.push(message);
        if (message.type === 'pong') pongs++;
      });
      const batch = frames.slice(start, start + 100);
      for (const frame of batch) ws.send(frame);
      if (start === 0) ws.send(Buffer.from([0xff, 0x00, 0x13]), { binary: true });
      ws.send('{"type":"ping"}');
      const expected = batch.filter((f) => f === '{"type":"ping"}').length + 1;
      const deadline = Date.now() + 10_000;
      while (pongs < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect({ batch: start, pongs, open: ws.readyState === WebSocket.OPEN }).toEqual({
        batch: start,
        pongs: expected,
        open: true,
      });
      for (const message of received) {
        if (!validators.some((v) => v(message)))
          throw new Error(`not a protocol message: ${JSON.stringify(message)}`);
      }
      ws.close();
    }
    // A frame over 64 KiB closes that connection (1009), and only that one.
    const big = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    await new Promise((resolve) => big.once('open', resolve));
    const closed = new Promise<number>((resolve) => big.once('close', resolve));
    big.send('x'.repeat(70_000));
    expect(await closed).toBe(1009);

    expect(open).toBe(Math.ceil(RUNS / 100));
    expect(await eventCount()).toBe(before);
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    // Nothing in the server's log says a request or a message failed it.
    const failures = server
      .output()
      .split('\n')
      .filter((l) => /"level":(50|60)/.test(l));
    expect(failures).toEqual([]);
  }, 300_000);
});
