import fc from 'fast-check';
import { pino } from 'pino';
import { auctionStreamId } from '../../src/auction';
import { createKnex } from '../../src/platform';
import { POSTGRES_PROJECTION, rebuildPostgresReadModel } from '../../src/projections';
import { auctionCreated } from '../support/auctionFixtures';
import { hostileString, storableHostileString } from '../support/fuzzArbitraries';
import { waitUntil } from '../support/readModelSnapshot';
import { getTokenIssuer } from '../../src/auth';
import {
  TEST_JWT_SECRET,
  call,
  createAuction,
  inSeconds,
  registerUser,
  startTestApp,
} from '../support/testApp';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** Every projection of the app has applied the whole log and none holds at an event. */
async function allProjectionsAtHead(t: TestApp, timeoutMs = 30_000, untilFailureClears = false) {
  await waitUntil(
    async () => {
      const head = await t.app.eventStore.headPosition();
      const statuses = await Promise.all(t.app.projections.map((p) => p.status()));
      const failed = statuses.find((s) => s.failure);
      if (failed && untilFailureClears) return false;
      if (failed) throw new Error(`${failed.name} holds: ${JSON.stringify(failed.failure)}`);
      return statuses.every((s) => s.position === head);
    },
    timeoutMs,
    'every projection at the head of the log',
  );
}

/** A body sent chunked (no Content-Length), which only express reads: the other transport. */
async function chunked(t: TestApp, path: string, text: string, token?: string) {
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
  const res = await fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
    duplex: 'half',
  } as RequestInit);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('input the log must never take', () => {
  let t: TestApp;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  let bidder: Awaited<ReturnType<typeof registerUser>>;
  let auctionId: string;
  beforeAll(async () => {
    t = await startTestApp({ label: 'hostile' });
    [seller, bidder] = await Promise.all([registerUser(t.url, 'seller'), registerUser(t.url, 'bidder')]);
    auctionId = await createAuction(t.url, seller.token);
  });
  afterAll(() => t.stop());

  it.each([
    ['title', { title: 'bad \ud800 x' }],
    ['title', { title: 'trail \udfff' }],
    ['description', { description: 'nul \u0000 inside' }],
    ['title', { title: 'reversed \udc00\ud800 pair' }],
  ])(
    'a create with an unstorable %s is a 400 naming it, and the read side stays ready',
    async (field, bad) => {
      const res = await call(t.url, 'POST', '/auctions', {
        token: seller.token,
        body: { title: 'Lamp', currency: 'EUR', startingPrice: 1, endsAt: inSeconds(1800), ...bad },
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors).toEqual([
        { field: `body.${field}`, message: expect.stringMatching(/Unicode/) },
      ]);
      expect((await call(t.url, 'GET', '/health/ready')).status).toBe(200);
    },
  );

  it('a well-formed astral title (a surrogate pair) is accepted and read back as sent', async () => {
    const title = 'Vase 🏺 𝄞 مزهرية';
    const id = await createAuction(t.url, seller.token, { title });
    await allProjectionsAtHead(t);
    expect((await call(t.url, 'GET', `/auctions/${id}`)).body.title).toBe(title);
  });

  it('an unstorable cancel reason and display name are refused too', async () => {
    const cancel = await call(t.url, 'POST', `/auctions/${auctionId}/cancel`, {
      token: seller.token,
      body: { reason: '\ud83d' },
    });
    expect(cancel.status).toBe(400);
    const register = await call(t.url, 'POST', '/auth/register', {
      body: { email: 'x@example.test', password: 'correct horse battery', displayName: 'a\u0000b' },
    });
    expect(register.status).toBe(400);
    expect(register.body.errors).toEqual([expect.objectContaining({ field: 'body.displayName' })]);
  });

  it('a body nested deeper than 32 levels is a 400 on an unauthenticated route, on both transports', async () => {
    const deep = `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`;
    const viaLength = await call(t.url, 'POST', '/auth/register', { raw: deep });
    expect(viaLength.status).toBe(400);
    expect(viaLength.body.errors).toEqual([
      { field: expect.stringMatching(/^body\.a\.a/), message: 'is nested deeper than 32 levels' },
    ]);
    expect((await chunked(t, '/auth/register', deep)).status).toBe(400);
    const arrays = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: bidder.token,
      raw: `${'['.repeat(40)}${']'.repeat(40)}`,
    });
    expect(arrays.status).toBe(400);
    // 32 levels are fine as JSON (the schema then refuses the shape).
    const ok = await call(t.url, 'POST', '/auth/register', {
      raw: `${'{"a":'.repeat(32)}1${'}'.repeat(32)}`,
    });
    expect(ok.status).toBe(400);
    expect(ok.body.errors).not.toEqual([
      expect.objectContaining({ message: expect.stringMatching(/nested/) }),
    ]);
  });

  it('a member name twice is a 400 naming it, never "last one wins", on both transports', async () => {
    const twice = '{"amount":1,"amount":1000000}';
    const lane = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: bidder.token,
      raw: twice,
    });
    const express = await chunked(t, `/auctions/${auctionId}/bids`, twice, bidder.token);
    for (const res of [lane, express]) {
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'body.amount', message: 'is given twice' }]);
    }
    const escaped = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: bidder.token,
      raw: '{"amount":1,"\\u0061mount":2}',
    });
    expect(escaped.status).toBe(400);
    const nested = await call(t.url, 'POST', '/auctions', {
      token: seller.token,
      raw: '{"softClose":{"windowSeconds":1,"windowSeconds":2}}',
    });
    expect(nested.body.errors).toEqual([
      { field: 'body.softClose.windowSeconds', message: 'is given twice' },
    ]);
    const bids = await call(t.url, 'GET', `/auctions/${auctionId}/bids`);
    expect(bids.body.items).toEqual([]);
  });

  it.each(['null', '42', '"text"', 'true'])(
    'a body of %s is "a JSON object is required", not malformed',
    async (raw) => {
      for (const res of [
        await call(t.url, 'POST', `/auctions/${auctionId}/bids`, { token: bidder.token, raw }),
        await chunked(t, `/auctions/${auctionId}/bids`, raw, bidder.token),
      ]) {
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({
          code: 'VALIDATION_FAILED',
          errors: [{ field: 'body', message: 'must be a JSON object' }],
        });
      }
    },
  );

  it.each(['2026-12-31T23:59:60Z', '0000-01-01T00:00:00Z', '2026-02-30T00:00:00Z'])(
    'a timestamp that is RFC 3339 but no store holds (%s) is a 400 in bodies and queries, never a 500',
    async (time) => {
      const analyst = getTokenIssuer(TEST_JWT_SECRET, 600).issue({ sub: seller.userId, roles: ['analyst'] });
      const replies = [
        await call(t.url, 'POST', '/auctions', {
          token: seller.token,
          body: { title: 'x', currency: 'EUR', startingPrice: 1, startsAt: time, endsAt: inSeconds(600) },
        }),
        await call(t.url, 'GET', `/analytics/summary?from=${time}`, { token: analyst }),
        await call(t.url, 'GET', `/auctions/${auctionId}/state?at=${time}`, { token: analyst }),
        await call(t.url, 'POST', '/analytics/what-if', { token: analyst, body: { from: time, rules: {} } }),
      ];
      expect(replies.map((r) => [r.status, r.body.code])).toEqual(
        replies.map(() => [400, 'VALIDATION_FAILED']),
      );
    },
  );

  it('a position beyond what the log can hold is a 400, not a 500 nor a 5 s wait', async () => {
    const analyst = getTokenIssuer(TEST_JWT_SECRET, 600).issue({ sub: seller.userId, roles: ['analyst'] });
    const huge = '99999999999999999999-99999999999999999999';
    const events = await call(t.url, 'GET', `/events?after=${huge}`, { token: analyst });
    const read = await call(t.url, 'GET', `/auctions/${auctionId}`, { headers: { 'x-min-position': huge } });
    expect([events.status, read.status]).toEqual([400, 400]);
  });

  it('fast-check: whatever the write side accepts, every projection applies (every event type)', async () => {
    const watcher = await registerUser(t.url, 'watcher');
    const accepted = new Map<string, { title: string; description?: string }>();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          title: fc.oneof(storableHostileString(1, 200), hostileString(1, 200)),
          description: fc.option(fc.oneof(storableHostileString(0, 5000), hostileString(0, 300)), {
            nil: undefined,
          }),
          reason: fc.option(fc.oneof(storableHostileString(0, 500), hostileString(0, 100)), {
            nil: undefined,
          }),
          startingPrice: fc.oneof(
            fc.constantFrom(0, 1, 2 ** 31, Number.MAX_SAFE_INTEGER - 10),
            fc.nat(10_000),
          ),
          minIncrement: fc.option(fc.constantFrom(1, 7, 2 ** 40), { nil: undefined }),
          bids: fc.array(fc.record({ plus: fc.constantFrom(0, 1, 5, 2 ** 20), ceiling: fc.boolean() }), {
            maxLength: 4,
          }),
          cancel: fc.boolean(),
          endsInSeconds: fc.constantFrom(2, 4, 600),
        }),
        async (c) => {
          const create = await call(t.url, 'POST', '/auctions', {
            token: seller.token,
            body: {
              title: c.title,
              ...(c.description === undefined ? {} : { description: c.description }),
              currency: 'EUR',
              startingPrice: c.startingPrice,
              ...(c.minIncrement === undefined ? {} : { minIncrement: c.minIncrement }),
              endsAt: inSeconds(c.endsInSeconds),
              softClose: { windowSeconds: 3, extensionSeconds: 3 },
            },
          });
          expect(create.status).toBeLessThan(500);
          const storable = [c.title, c.description ?? ''].every((s) => s.isWellFormed() && !s.includes('\0'));
          if (!storable) return void expect(create.status).toBe(400);
          if (create.status !== 201) return;
          const id = create.body.auctionId as string;
          accepted.set(id, { title: c.title, description: c.description });
          await call(t.url, 'PUT', `/me/watchlist/${id}`, { token: watcher.token });
          let price = c.startingPrice;
          for (const bid of c.bids) {
            const amount = Math.min(price + bid.plus, Number.MAX_SAFE_INTEGER);
            const res = await call(t.url, 'POST', `/auctions/${id}/bids`, {
              token: bid.ceiling ? watcher.token : bidder.token,
              body: {
                amount,
                ...(bid.ceiling ? { maxAmount: Math.min(amount * 2, Number.MAX_SAFE_INTEGER) } : {}),
              },
            });
            expect(res.status).toBeLessThan(500);
            if (res.status === 201) price = res.body.currentPrice as number;
          }
          if (c.cancel) {
            const res = await call(t.url, 'POST', `/auctions/${id}/cancel`, {
              token: seller.token,
              body: c.reason === undefined ? {} : { reason: c.reason },
            });
            expect(res.status).toBeLessThan(500);
          }
        },
      ),
      {
        numRuns: 40,
        // Runs that make every event type for sure (the random ones make them often).
        examples: [
          [
            {
              title: '🏺 \u202e lamp',
              description: 'e\u0301',
              reason: undefined,
              // The watcher leads at 10 with a ceiling of 20, raises it (MaxBidRaised), the bidder
              // is outbid by it at once, all inside the soft-close window (AuctionExtended).
              startingPrice: 10,
              minIncrement: 1,
              bids: [
                { plus: 0, ceiling: true },
                { plus: 5, ceiling: true },
                { plus: 1, ceiling: false },
              ],
              cancel: false,
              endsInSeconds: 2,
            },
          ],
          [
            {
              title: "'; DROP TABLE events; --",
              description: undefined,
              reason: '\u2066',
              startingPrice: 5,
              minIncrement: undefined,
              bids: [],
              cancel: true,
              endsInSeconds: 600,
            },
          ],
        ],
      },
    );
    // The short auctions end, are marked ending soon, extended and closed by the scheduler.
    await new Promise((r) => setTimeout(r, 6000));
    await allProjectionsAtHead(t, 40_000);
    expect((await call(t.url, 'GET', '/health/ready')).status).toBe(200);
    for (const [id, sent] of accepted) {
      const view = await call(t.url, 'GET', `/auctions/${id}`);
      expect(view.body.title).toBe(sent.title);
      if (sent.description !== undefined) expect(view.body.description).toBe(sent.description);
    }
    const log = await t.app.eventStore.readAll({ limit: 100_000 });
    expect([...new Set(log.map((e) => e.type))].sort()).toEqual(
      expect.arrayContaining([
        'AuctionCancelled',
        'AuctionClosed',
        'AuctionCreated',
        'AuctionEndingSoon',
        'AuctionExtended',
        'AuctionWatched',
        'BidPlaced',
        'MaxBidRaised',
      ]),
    );
  }, 180_000);
});

describe('a log that holds an event from before the write side refused it', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ label: 'hostile_old' });
  });
  afterAll(() => t.stop());

  it('is read with the lone surrogate replaced, by every projection, the history and a rebuild', async () => {
    const seller = await registerUser(t.url, 'seller');
    const auctionId = crypto.randomUUID();
    const now = new Date();
    // As the old write side appended it: a title with a lone surrogate, a description with NUL.
    await t.app.eventStore.appendToStream(
      auctionStreamId(auctionId),
      [
        {
          ...auctionCreated({
            auctionId,
            sellerId: seller.userId,
            title: 'bad \ud800 x',
            description: 'nul \u0000 y',
            startingPrice: 1,
            minIncrement: null,
            startsAt: now.toISOString(),
            endsAt: new Date(now.getTime() + 1_800_000).toISOString(),
            createdAt: now.toISOString(),
          }),
          metadata: { userId: seller.userId, note: '\udc00' },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    await allProjectionsAtHead(t);
    // Every reader of the log (history, export, time travel, the command side) reads it so.
    const [stored] = await t.app.eventStore.readStream(auctionStreamId(auctionId));
    expect(stored!.data).toMatchObject({ title: 'bad \uFFFD x', description: 'nul \uFFFD y' });
    expect(stored!.metadata).toMatchObject({ note: '\uFFFD' });
    const view = await call(t.url, 'GET', `/auctions/${auctionId}`);
    expect(view.body.title).toBe('bad \uFFFD x');
    expect(view.body.description).toBe('nul \uFFFD y');
    const list = await call(t.url, 'GET', '/auctions?limit=100');
    expect((list.body.items as { title: string }[]).map((i) => i.title)).toContain('bad \uFFFD x');
    expect((await call(t.url, 'GET', '/health/ready')).status).toBe(200);
    // A bid on it goes through every projection too.
    const bidder = await registerUser(t.url, 'bidder');
    const bid = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: bidder.token,
      body: { amount: 5 },
    });
    expect(bid.status).toBe(201);
    await allProjectionsAtHead(t);
    const knex = createKnex(t.databaseUrl, 1);
    try {
      await rebuildPostgresReadModel(knex, t.app.eventStore);
      const [row] = await knex('read_model.auctions').where({ auction_id: auctionId }).select('state');
      expect((row as { state: { title: string } }).state.title).toBe('bad \uFFFD x');
    } finally {
      await knex.destroy();
    }
  });
});

describe('a projection that meets an event it cannot apply', () => {
  const lines: { level: number; msg: string; projection?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ label: 'hostile_hold', start: { projectionRetryDelaysMs: [200] }, logger });
  });
  afterAll(() => t.stop());

  it('holds at it, names it in /health/ready, counts it, says it once, and goes on once fixed', async () => {
    const seller = await registerUser(t.url, 'seller');
    const knex = createKnex(t.databaseUrl, 1);
    try {
      // A read side that cannot take what the log holds: as a bug in a projection would.
      await knex.raw(
        `ALTER TABLE read_model.auctions ADD CONSTRAINT no_poison CHECK (state->>'title' NOT LIKE '%poison%')`,
      );
      const before = await createAuction(t.url, seller.token, { title: 'fine' });
      const poisoned = await createAuction(t.url, seller.token, { title: 'poison' });
      const after = await createAuction(t.url, seller.token, { title: 'fine again' });
      const [culprit] = await t.app.eventStore.readStream(auctionStreamId(poisoned));
      await waitUntil(async () => (await call(t.url, 'GET', '/health/ready')).status === 503, 10_000, '503');
      const ready = await call(t.url, 'GET', '/health/ready');
      const check = (ready.body.checks as Record<string, Record<string, unknown>>)[
        `projection:${POSTGRES_PROJECTION}`
      ];
      expect(check).toMatchObject({
        status: 'failing',
        position: culprit!.position,
        eventType: 'AuctionCreated',
        streamId: auctionStreamId(poisoned),
        error: expect.stringMatching(/no_poison/),
      });
      // Held at it, not past it: the auction before it is in, the one after is not.
      expect((await knex('read_model.auctions').whereIn('auction_id', [before, after])).length).toBe(1);
      await new Promise((r) => setTimeout(r, 1000));
      const metrics = await fetch(`${t.url}/metrics`).then((r) => r.text());
      const count = Number(
        /projection_failures_total\{projection="postgres-read-model"\} (\d+)/.exec(metrics)?.[1],
      );
      expect(count).toBeGreaterThanOrEqual(2); // retried, and counted at each attempt
      // The other projections went on.
      expect((await call(t.url, 'GET', `/auctions/${after}`)).body.title).toBe('fine again');
      // Said once in the log, not at every attempt.
      const said = lines.filter((l) => l.level >= 50 && /cannot apply an event/.test(l.msg));
      expect(said).toEqual([expect.objectContaining({ projection: POSTGRES_PROJECTION })]);
      // The fix: it goes on by itself, nothing skipped.
      await knex.raw('ALTER TABLE read_model.auctions DROP CONSTRAINT no_poison');
      await allProjectionsAtHead(t, 10_000, true);
      expect(
        (await knex('read_model.auctions').whereIn('auction_id', [before, poisoned, after])).length,
      ).toBe(3);
      expect((await call(t.url, 'GET', '/health/ready')).status).toBe(200);
    } finally {
      await knex.destroy();
    }
  });
});
