/**
 * Sales over HTTP against the real stores: a catalogue created, lots added in turn (each an
 * auction of its own), refused input, reads with paging, ETags and X-Min-Position; the process
 * manager pushing the lots after a late bid, closing them in turn, recording the sale's figures;
 * a sale cancelled with its lots; and a crash between an extension and its push.
 */
import { randomUUID } from 'node:crypto';
import { auctionStreamId } from '../../src/auction';
import type { RecordedEvent } from '../../src/events';
import { createKnex } from '../../src/platform';
import { evolveSaleAll, saleStreamId, toSaleEvent } from '../../src/sales';
import { waitUntil } from '../support/readModelSnapshot';
import { call, createAuction, inSeconds, registerUser, startTestApp } from '../support/testApp';
import { connectWs } from '../support/wsClient';
import { ajv } from '../../src/platform';
import { serverMessageSchemas } from '../../src/realtime';

const validateServer = (name: keyof typeof serverMessageSchemas, message: unknown) => {
  const validate = ajv.compile(serverMessageSchemas[name]);
  expect(validate(message) ? [] : validate.errors).toEqual([]);
};

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
type User = Awaited<ReturnType<typeof registerUser>>;
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const fast = { SCHEDULER_SWEEP_SECONDS: '1' };

async function createSale(t: TestApp, seller: User, body: Record<string, unknown> = {}) {
  const res = await call(t.url, 'POST', '/sales', {
    token: seller.token,
    body: {
      title: 'Autumn sale',
      currency: 'EUR',
      startsAt: inSeconds(60),
      firstLotEndsAt: inSeconds(3600),
      ...body,
    },
  });
  if (res.status !== 201) throw new Error(`create sale: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.saleId as string;
}

const addLot = (
  t: TestApp,
  token: string,
  saleId: string,
  body: Record<string, unknown> = {},
  headers = {},
) =>
  call(t.url, 'POST', `/sales/${saleId}/lots`, {
    token,
    body: { title: 'Lot', startingPrice: 1000, ...body },
    headers,
  });

describe('sales: catalogues of lots', () => {
  let t: TestApp;
  let seller: User;
  let alice: User;
  beforeAll(async () => {
    t = await startTestApp({ label: 'sales', env: fast });
    [seller, alice] = await Promise.all([registerUser(t.url, 'seller'), registerUser(t.url, 'alice')]);
  });
  afterAll(() => t.stop());

  it('creates a sale and numbers its lots, each an auction ending a gap after the one before', async () => {
    const first = inSeconds(3600);
    const created = await call(t.url, 'POST', '/sales', {
      token: seller.token,
      body: {
        title: 'Clocks',
        currency: 'EUR',
        startsAt: inSeconds(60),
        firstLotEndsAt: first,
        lotGapSeconds: 30,
      },
    });
    expect(created.status).toBe(201);
    const saleId = created.body.saleId as string;
    expect(created.headers.get('location')).toBe(`/sales/${saleId}`);
    const lots = [];
    for (const title of ['Mantel clock', 'Carriage clock', 'Longcase clock'])
      lots.push(await addLot(t, seller.token, saleId, { title, reservePrice: 5000 }));
    expect(lots.map((l) => [l.status, l.body.lotNumber])).toEqual([
      [201, 1],
      [201, 2],
      [201, 3],
    ]);
    expect(lots.map((l) => Date.parse(l.body.endsAt as string) - Date.parse(first))).toEqual([
      0, 30_000, 60_000,
    ]);
    expect(lots[0]!.headers.get('location')).toBe(`/auctions/${lots[0]!.body.auctionId as string}`);
    const sync = { 'X-Min-Position': lots[2]!.body.position as string };
    const lot = await call(t.url, 'GET', `/auctions/${lots[1]!.body.auctionId as string}`, { headers: sync });
    expect(lot.body).toMatchObject({
      saleId,
      lotNumber: 2,
      title: 'Carriage clock',
      currency: 'EUR',
      reserveMet: false,
    });
    expect(lot.body).not.toHaveProperty('reservePrice'); // the seller's only
    const sale = await call(t.url, 'GET', `/sales/${saleId}`, { headers: sync });
    expect(sale.status).toBe(200);
    expect(sale.body).toMatchObject({
      saleId,
      status: 'scheduled',
      lotCount: 3,
      lotsSold: 0,
      hammerTotal: 0,
    });
    const again = await call(t.url, 'GET', `/sales/${saleId}`, {
      headers: { 'If-None-Match': sale.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    const page1 = await call(t.url, 'GET', `/sales/${saleId}/lots?limit=2`, { headers: sync });
    expect((page1.body.items as Array<{ lotNumber: number }>).map((l) => l.lotNumber)).toEqual([1, 2]);
    const page2 = await call(
      t.url,
      'GET',
      `/sales/${saleId}/lots?limit=2&cursor=${page1.body.nextCursor as string}`,
    );
    expect(page2.body).toMatchObject({
      items: [{ lotNumber: 3, title: 'Longcase clock' }],
      nextCursor: null,
    });
    const mine = await call(t.url, 'GET', `/sales?sellerId=${seller.userId}&status=scheduled`, {
      headers: sync,
    });
    expect((mine.body.items as Array<{ saleId: string }>).map((s) => s.saleId)).toContain(saleId);
  });

  it('adds a lot once per Idempotency-Key, and a sale once per key', async () => {
    const saleId = await createSale(t, seller);
    const key = { 'Idempotency-Key': randomUUID() };
    const one = await addLot(t, seller.token, saleId, {}, key);
    await addLot(t, seller.token, saleId, { title: 'Another lot' });
    // The retry comes after another lot: the first reply again, byte for byte.
    const two = await addLot(t, seller.token, saleId, {}, key);
    expect(two.status).toBe(201);
    expect(two.body).toEqual(one.body);
    expect(two.headers.get('idempotent-replayed')).toBe('true');
    const reused = await addLot(t, seller.token, saleId, { startingPrice: 2000 }, key);
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    const events = await t.app.eventStore.readStream(saleStreamId(saleId));
    expect(events.map((e) => e.type)).toEqual(['SaleCreated', 'LotAdded', 'LotAdded']);
    const saleKey = { 'Idempotency-Key': randomUUID() };
    const body = { title: 'Keyed', currency: 'EUR', startsAt: inSeconds(60), firstLotEndsAt: inSeconds(600) };
    const first = await call(t.url, 'POST', '/sales', { token: seller.token, body, headers: saleKey });
    const retry = await call(t.url, 'POST', '/sales', { token: seller.token, body, headers: saleKey });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const other = { ...body, softClose: { windowSeconds: 30, extensionSeconds: 30 } };
    const reusedSale = await call(t.url, 'POST', '/sales', {
      token: seller.token,
      body: other,
      headers: saleKey,
    });
    expect(reusedSale.status).toBe(422);
    expect(reusedSale.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    // Terms with nested fields compare by value, not by the order the store keeps their keys in.
    const nestedKey = { 'Idempotency-Key': randomUUID() };
    const nested = {
      ...other,
      increments: [
        { from: 0, increment: 10 },
        { from: 1000, increment: 50 },
      ],
    };
    const made = await call(t.url, 'POST', '/sales', {
      token: seller.token,
      body: nested,
      headers: nestedKey,
    });
    const again = await call(t.url, 'POST', '/sales', {
      token: seller.token,
      body: nested,
      headers: nestedKey,
    });
    expect([made.status, again.status, again.headers.get('idempotent-replayed')]).toEqual([201, 201, 'true']);
  });

  it.each([
    [{ title: '' }, ['body.title']],
    [{ currency: 'XYZ' }, ['body.currency']],
    [{ firstLotEndsAt: 'soon' }, ['body.firstLotEndsAt']],
    [{ firstLotEndsAt: inSeconds(-10), startsAt: inSeconds(-20) }, ['body.firstLotEndsAt']],
    [{ startsAt: inSeconds(7200) }, ['body.firstLotEndsAt']],
    [{ lotGapSeconds: 3601 }, ['body.lotGapSeconds']],
    [{ lotGapSeconds: -1 }, ['body.lotGapSeconds']],
    [{ increments: [] }, ['body.increments']],
    [{ increments: [{ from: 10, increment: 5 }] }, ['body.increments']],
    [
      {
        increments: [
          { from: 0, increment: 5 },
          { from: 0, increment: 6 },
        ],
      },
      ['body.increments'],
    ],
    [{ increments: [{ from: 0, increment: 0 }] }, ['body.increments.0.increment']],
    [{ buyersPremiumPercent: 51 }, ['body.buyersPremiumPercent']],
    [{ mode: 'live' }, ['body.mode']],
    [{ sellerId: randomUUID() }, ['body.sellerId']],
  ])('refuses a sale %j with VALIDATION_FAILED naming the fields', async (overrides, fields) => {
    const body = { title: 'Sale', currency: 'EUR', firstLotEndsAt: inSeconds(3600), ...overrides };
    const res = await call(t.url, 'POST', '/sales', { token: seller.token, body });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const named = new Set((res.body.errors as Array<{ field: string }>).map((e) => e.field));
    expect([...named].sort()).toEqual([...fields].sort());
  });

  it('refuses lots from someone else, to an unknown, started or cancelled sale; nothing half-written', async () => {
    const saleId = await createSale(t, seller);
    const other = await addLot(t, alice.token, saleId);
    expect([other.status, other.body.code]).toEqual([403, 'NOT_SELLER']);
    const unknown = await addLot(t, seller.token, randomUUID());
    expect([unknown.status, unknown.body.code]).toEqual([404, 'SALE_NOT_FOUND']);
    expect((await addLot(t, seller.token, saleId, { reservePrice: 10 })).status).toBe(400);
    expect((await addLot(t, seller.token, saleId, { startingPrice: -1 })).status).toBe(400);
    const started = await createSale(t, seller, { startsAt: inSeconds(-1) });
    const late = await addLot(t, seller.token, started);
    expect([late.status, late.body.code]).toEqual([422, 'SALE_STARTED']);
    const lot = await addLot(t, seller.token, saleId);
    const cancel = await call(t.url, 'POST', `/sales/${saleId}/cancel`, {
      token: seller.token,
      body: { reason: 'Withdrawn' },
    });
    expect(cancel.status).toBe(200);
    const afterCancel = await addLot(t, seller.token, saleId);
    expect([afterCancel.status, afterCancel.body.code]).toEqual([422, 'SALE_CANCELLED']);
    expect(
      (await call(t.url, 'POST', `/sales/${saleId}/cancel`, { token: alice.token, body: {} })).status,
    ).toBe(403);
    // The process manager cancels the lot, and the sale records it.
    const lotId = lot.body.auctionId as string;
    await waitUntil(
      async () =>
        (await t.app.eventStore.readStream(auctionStreamId(lotId))).some(
          (e) => e.type === 'AuctionCancelled',
        ),
      10_000,
      'the lot cancelled',
    );
    const types = (await t.app.eventStore.readStream(saleStreamId(saleId))).map((e) => e.type);
    // Every LotAdded has its auction; the refused requests wrote nothing.
    expect(types.filter((x) => x === 'LotAdded')).toHaveLength(1);
    await waitUntil(
      async () =>
        (await t.app.eventStore.readStream(saleStreamId(saleId))).some((e) => e.type === 'LotClosed'),
      10_000,
      'the cancelled lot recorded',
    );
    const view = await call(t.url, 'GET', `/sales/${saleId}`);
    expect(view.body).toMatchObject({ status: 'cancelled' });
  });

  it('one WebSocket subscription follows every lot of a sale, lots added later too, in order per lot, with resume', async () => {
    const saleId = await createSale(t, seller);
    const first = (await addLot(t, seller.token, saleId)).body.auctionId as string;
    const sync = { 'X-Min-Position': (await addLot(t, seller.token, saleId)).body.position as string };
    await call(t.url, 'GET', `/sales/${saleId}`, { headers: sync }); // the sales model has both lots
    const client = await connectWs(t.url);
    client.send({ type: 'subscribe', saleId });
    await client.until((m) => m.some((x) => x.type === 'subscribed' && x.saleId === saleId));
    expect(client.messages[0]).toMatchObject({ type: 'subscribed', saleId, sale: { saleId, lotCount: 2 } });
    validateServer('saleSubscribed', client.messages[0]);
    // A lot added now joins the subscription: its creation arrives as a frame.
    const third = (await addLot(t, seller.token, saleId, { title: 'Late lot' })).body.auctionId as string;
    await client.until(() => client.events(third).length === 1);
    expect(client.events(third)[0]).toMatchObject({
      event: { type: 'AuctionCreated' },
      auction: { lotNumber: 3 },
    });
    // Watchers see each lot's changes, in revision order per lot.
    const photo = await call(t.url, 'POST', `/sales/${saleId}/cancel`, { token: seller.token, body: {} });
    expect(photo.status).toBe(200);
    await client.until(() =>
      [first, third].every((id) => client.events(id).some((e) => e.event?.type === 'AuctionCancelled')),
    );
    for (const id of [first, third]) {
      const revisions = client.events(id).map((e) => e.event!.revision);
      expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    }
    // Resume: what the client had of the first lot (its creation) and nothing of the others.
    const again = await connectWs(t.url);
    again.send({ type: 'subscribe', saleId, afterRevisions: { [first]: 0 } });
    await again.until(() => again.events(first).length === 1);
    expect(again.events(first)[0]).toMatchObject({ event: { type: 'AuctionCancelled', revision: 1 } });
    again.send({ type: 'subscribe', saleId });
    await again.until((m) => m.some((x) => x.code === 'ALREADY_SUBSCRIBED'));
    again.send({ type: 'unsubscribe', saleId });
    await again.until((m) => m.some((x) => x.type === 'unsubscribed' && x.saleId === saleId));
    const unknown = randomUUID();
    again.send({ type: 'subscribe', saleId: unknown });
    await again.until((m) => m.some((x) => x.code === 'SALE_NOT_FOUND' && x.saleId === unknown));
    again.send({ type: 'subscribe', saleId, afterRevisions: { nope: 1 } });
    await again.until((m) => m.some((x) => x.code === 'VALIDATION_FAILED'));
    client.close();
    again.close();
  });

  it('watching a sale watches all its lots, those added later too: each cancelled lot is told', async () => {
    const saleId = await createSale(t, seller);
    await addLot(t, seller.token, saleId);
    const watch = await call(t.url, 'PUT', `/me/watchlist/sales/${saleId}`, { token: alice.token });
    expect(watch.status).toBe(204);
    expect((await call(t.url, 'PUT', `/me/watchlist/sales/${saleId}`, { token: alice.token })).status).toBe(
      204,
    );
    const unknown = await call(t.url, 'PUT', `/me/watchlist/sales/${randomUUID()}`, { token: alice.token });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'SALE_NOT_FOUND']);
    const later = (await addLot(t, seller.token, saleId)).body.auctionId as string;
    await call(t.url, 'POST', `/sales/${saleId}/cancel`, { token: seller.token, body: {} });
    await waitUntil(
      async () => {
        const res = await call(t.url, 'GET', '/me/notifications', { token: alice.token });
        return (res.body.items as Array<{ kind: string }>).filter((n) => n.kind === 'cancelled').length === 2;
      },
      10_000,
      'two cancelled notices',
    );
    const notices = await call(t.url, 'GET', '/me/notifications', { token: alice.token });
    const told = (notices.body.items as Array<{ auctionId: string }>).map((n) => n.auctionId);
    expect(told).toContain(later);
    // Unwatched: the next sale's cancellation tells her nothing.
    const other = await createSale(t, seller);
    await addLot(t, seller.token, other);
    await call(t.url, 'PUT', `/me/watchlist/sales/${other}`, { token: alice.token });
    expect((await call(t.url, 'DELETE', `/me/watchlist/sales/${other}`, { token: alice.token })).status).toBe(
      204,
    );
    expect(
      (await call(t.url, 'POST', `/sales/${other}/cancel`, { token: seller.token, body: {} })).status,
    ).toBe(200);
    await waitUntil(
      async () =>
        (await t.app.eventStore.readStream(saleStreamId(other))).some((e) => e.type === 'LotClosed'),
      10_000,
      'the other lot cancelled',
    );
    // Read at the position of the lot's recorded end, which comes after its cancellation.
    const otherStream = await t.app.eventStore.readStream(saleStreamId(other));
    const after = await call(t.url, 'GET', '/me/notifications', {
      token: alice.token,
      headers: { 'X-Min-Position': otherStream[otherStream.length - 1]!.position },
    });
    expect((after.body.items as unknown[]).length).toBe(2);
  });

  it('reads a sale at the position of a later write elsewhere (a bid) at once: its projection passes positions without sales too', async () => {
    const saleId = await createSale(t, seller);
    const auctionId = await createAuction(t.url, seller.token);
    const bid = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: alice.token,
      body: { amount: 1000 },
    });
    const started = Date.now();
    const read = await call(t.url, 'GET', `/sales/${saleId}`, {
      headers: { 'X-Min-Position': bid.body.position as string },
    });
    expect(read.status).toBe(200);
    expect((read.headers.get('x-projection-position') ?? '') >= (bid.body.position as string)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('hostile input: lone surrogates, NUL, duplicated keys, deep nesting, huge; nothing written, no 500', async () => {
    const saleId = await createSale(t, seller);
    const before = (await t.app.eventStore.readStream(saleStreamId(saleId))).length;
    const base = `"title":"Lot","startingPrice":100`;
    const raws = [
      `{"title":"\\ud800","startingPrice":100}`,
      `{"title":"a\\u0000b","startingPrice":100}`,
      `{${base},"title":"again"}`,
      `{${base},"description":${'['.repeat(40)}${']'.repeat(40)}}`,
      `{${base},"description":"${'x'.repeat(6000)}"}`,
    ];
    for (const raw of raws) {
      const res = await call(t.url, 'POST', `/sales/${saleId}/lots`, { token: seller.token, raw });
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const sale = await call(t.url, 'POST', '/sales', {
      token: seller.token,
      raw: `{"title":"\\udfff","currency":"EUR","firstLotEndsAt":"${inSeconds(3600)}"}`,
    });
    expect([sale.status, sale.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await t.app.eventStore.readStream(saleStreamId(saleId))).length).toBe(before);
    const client = await connectWs(t.url);
    client.send(`{"type":"subscribe","saleId":"${saleId}","saleId":"${saleId}"}`);
    client.send({ type: 'subscribe', saleId, afterRevisions: { [randomUUID()]: 'x' } });
    await client.until((m) => m.filter((x) => x.code === 'VALIDATION_FAILED').length === 2);
    client.close();
  });

  it("the sales' lazy checkpoints stay theirs: no runner restarts while the log moves on without a sale's event", async () => {
    const saleId = await createSale(t, seller);
    await addLot(t, seller.token, saleId);
    const auctionId = await createAuction(t.url, seller.token);
    // Bids elsewhere for several heartbeats (500 ms here): batches that move neither checkpoint.
    for (let i = 0; i < 12; i++) {
      const bid = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
        token: alice.token,
        body: { amount: 1000 + i * 100 },
      });
      expect(bid.status).toBe(201);
      await new Promise((r) => setTimeout(r, 250));
    }
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain('# TYPE projection_restarts_total counter');
    expect(
      metrics.match(/^projection_restarts_total\{[^}]*(sales|sale-process)[^}]*\} [1-9].*$/gm) ?? [],
    ).toEqual([]);
  });

  it('answers 404 for unknown sales and a bad cursor with 400', async () => {
    expect((await call(t.url, 'GET', `/sales/${randomUUID()}`)).body.code).toBe('SALE_NOT_FOUND');
    expect((await call(t.url, 'GET', '/sales/not-a-uuid')).body.code).toBe('VALIDATION_FAILED');
    expect((await call(t.url, 'GET', `/sales/${randomUUID()}/lots`)).status).toBe(404);
    expect((await call(t.url, 'GET', '/sales?cursor=zzz')).status).toBe(400);
    expect((await call(t.url, 'GET', '/sales?status=sold')).status).toBe(400);
  });
});

/** Each lot's end as its stream says, its close time, and its extensions' reasons. */
async function lotStory(t: TestApp, auctionId: string) {
  const stream: RecordedEvent[] = await t.app.eventStore.readStream(auctionStreamId(auctionId));
  const closed = stream.find((e) => e.type === 'AuctionClosed');
  return {
    reasons: stream
      .filter((e) => e.type === 'AuctionExtended')
      .map((e) => (e.data as { reason?: string }).reason ?? 'soft_close'),
    closedAt: closed ? closed.recordedAt.getTime() : undefined,
    outcome: closed ? (closed.data as { outcome: string }).outcome : undefined,
  };
}

describe('sales: lots close in turn', () => {
  it('a late bid on lot 1 pushes lots 2 and 3; they close in order; the sale records its figures', async () => {
    const t = await startTestApp({ label: 'sales-turn', env: fast });
    try {
      const [seller, bidder] = await Promise.all([
        registerUser(t.url, 'seller'),
        registerUser(t.url, 'bidder'),
      ]);
      const startsAt = Date.now() + 800;
      const saleId = await createSale(t, seller, {
        startsAt: new Date(startsAt).toISOString(),
        firstLotEndsAt: inMs(3500),
        lotGapSeconds: 1,
        softClose: { windowSeconds: 3, extensionSeconds: 4 },
      });
      const lots: string[] = [];
      for (let i = 0; i < 3; i++) lots.push((await addLot(t, seller.token, saleId)).body.auctionId as string);
      await new Promise((r) => setTimeout(r, startsAt + 100 - Date.now()));
      const bid = await call(t.url, 'POST', `/auctions/${lots[0]!}/bids`, {
        token: bidder.token,
        body: { amount: 1500 },
      });
      expect(bid.status).toBe(201);
      await waitUntil(
        async () => (await lotStory(t, lots[2]!)).outcome !== undefined,
        20_000,
        'the last lot closed',
      );
      const stories = await Promise.all(lots.map((id) => lotStory(t, id)));
      expect(stories.map((s) => s.reasons)).toEqual([
        ['soft_close'],
        ['previous_lot_extended'],
        ['previous_lot_extended'],
      ]);
      expect(stories[0]!.closedAt! < stories[1]!.closedAt!).toBe(true);
      expect(stories[1]!.closedAt! < stories[2]!.closedAt!).toBe(true);
      expect(stories.map((s) => s.outcome)).toEqual(['sold', 'no_bids', 'no_bids']);
      await waitUntil(
        async () =>
          (await t.app.eventStore.readStream(saleStreamId(saleId))).some((e) => e.type === 'SaleClosed'),
        10_000,
        'the sale closed',
      );
      const view = await call(t.url, 'GET', `/sales/${saleId}`);
      const all = await t.app.eventStore.readStream(saleStreamId(saleId));
      const sync = { 'X-Min-Position': all[all.length - 1]!.position };
      expect((await call(t.url, 'GET', `/sales/${saleId}`, { headers: sync })).body).toMatchObject({
        status: 'closed',
        lotsClosed: 3,
        lotsSold: 1,
        hammerTotal: 1500,
      });
      expect(view.status).toBe(200);
      // The read model's row is what a fresh fold of the log gives.
      const knex = createKnex(t.databaseUrl, 1);
      const row = await knex('sales').where({ sale_id: saleId }).first('revision', 'state');
      await knex.destroy();
      expect(row.state).toEqual(
        JSON.parse(JSON.stringify(evolveSaleAll(all.flatMap((e) => toSaleEvent(e) ?? [])))),
      );
      expect(Number(row.revision)).toBe(Number(all[all.length - 1]!.revision));
    } finally {
      await t.stop();
    }
  }, 40_000);

  it('an extension moves the next lot at once, the lots after it when it ends, each once, however many bids extend it', async () => {
    const t = await startTestApp({ label: 'sales-far', env: fast });
    try {
      const [seller, bidder] = await Promise.all([
        registerUser(t.url, 'seller'),
        registerUser(t.url, 'bidder'),
      ]);
      const startsAt = Date.now() + 1500;
      const firstEnd = Date.now() + 3500;
      const saleId = await createSale(t, seller, {
        startsAt: new Date(startsAt).toISOString(),
        firstLotEndsAt: new Date(firstEnd).toISOString(),
        lotGapSeconds: 40, // lots 3 to 5 move when lot 1 ends (within the full walk's three minutes)
        softClose: { windowSeconds: 3, extensionSeconds: 3 },
      });
      const lots: string[] = [];
      for (let i = 0; i < 5; i++) lots.push((await addLot(t, seller.token, saleId)).body.auctionId as string);
      await new Promise((r) => setTimeout(r, startsAt + 100 - Date.now()));
      // Three bids in the last seconds: three extensions of lot 1.
      for (const amount of [1500, 1600, 1700]) {
        const bid = await call(t.url, 'POST', `/auctions/${lots[0]!}/bids`, {
          token: bidder.token,
          body: { amount },
        });
        expect(bid.status).toBe(201);
        await new Promise((r) => setTimeout(r, 300));
      }
      await waitUntil(
        async () => (await lotStory(t, lots[1]!)).reasons.length > 0,
        10_000,
        'lot 2 moved while lot 1 runs',
      );
      expect((await lotStory(t, lots[0]!)).outcome).toBeUndefined();
      expect((await lotStory(t, lots[3]!)).reasons).toEqual([]);
      await waitUntil(
        async () => (await lotStory(t, lots[4]!)).reasons.length > 0,
        20_000,
        'the far lots moved once lot 1 ended',
      );
      const lot1 = await t.app.eventStore.readStream(auctionStreamId(lots[0]!));
      const lot1End = Date.parse(
        (lot1.filter((e) => e.type === 'AuctionExtended').at(-1)!.data as { endsAt: string }).endsAt,
      );
      for (const [i, id] of lots.entries()) {
        if (i === 0) continue;
        const stream = await t.app.eventStore.readStream(auctionStreamId(id));
        const ends = stream
          .filter((e) => e.type === 'AuctionExtended')
          .map((e) => Date.parse((e.data as { endsAt: string }).endsAt));
        // Lot 2 may move with each extension; the far ones move once, to keep the gap after the last.
        if (i > 1) expect(ends).toHaveLength(1);
        expect(ends.at(-1)).toBe(lot1End + i * 40_000);
      }
    } finally {
      await t.stop();
    }
  }, 40_000);
});

describe('sales: a crash between an extension and its push', () => {
  it('the instance that pushes is down when lot 1 is extended; another takes over and every lot still closes after the one before', async () => {
    // A answers requests and projects, but runs no scheduler: as if the instance that would push
    // lot 2 died right after lot 1's extension was recorded.
    const a = await startTestApp({ label: 'sales-crash', env: { ...fast, ROLES: 'api,projector' } });
    let b: TestApp | undefined;
    try {
      const [seller, bidder] = await Promise.all([
        registerUser(a.url, 'seller'),
        registerUser(a.url, 'bidder'),
      ]);
      const startsAt = Date.now() + 800;
      const saleId = await createSale(a, seller, {
        startsAt: new Date(startsAt).toISOString(),
        firstLotEndsAt: inMs(3000),
        lotGapSeconds: 1,
        softClose: { windowSeconds: 3, extensionSeconds: 3 },
      });
      const lots: string[] = [];
      for (let i = 0; i < 3; i++) lots.push((await addLot(a, seller.token, saleId)).body.auctionId as string);
      await new Promise((r) => setTimeout(r, startsAt + 100 - Date.now()));
      expect(
        (
          await call(a.url, 'POST', `/auctions/${lots[0]!}/bids`, {
            token: bidder.token,
            body: { amount: 1200 },
          })
        ).status,
      ).toBe(201);
      // Every lot's end passes with nobody to push or close them.
      await new Promise((r) => setTimeout(r, 5000));
      expect((await lotStory(a, lots[1]!)).reasons).toEqual([]);
      b = await startTestApp({ databaseUrl: a.databaseUrl, env: { ...fast, ROLES: 'api,scheduler' } });
      await waitUntil(
        async () => (await lotStory(a, lots[2]!)).outcome !== undefined,
        20_000,
        'the last lot closed',
      );
      const stories = await Promise.all(lots.map((id) => lotStory(a, id)));
      expect(stories.map((x) => x.reasons)).toEqual([
        ['soft_close'],
        ['previous_lot_extended'],
        ['previous_lot_extended'],
      ]);
      expect(stories[0]!.closedAt! < stories[1]!.closedAt!).toBe(true);
      expect(stories[1]!.closedAt! < stories[2]!.closedAt!).toBe(true);
      // Each push happened once, whatever B replayed.
      const ends = await Promise.all(
        lots.map(async (id) =>
          (await a.app.eventStore.readStream(auctionStreamId(id)))
            .filter((e) => e.type === 'AuctionExtended')
            .map((e) => Date.parse((e.data as { endsAt: string }).endsAt)),
        ),
      );
      expect(ends[1]![0]! - ends[0]![0]!).toBe(1000);
      expect(ends[2]![0]! - ends[1]![0]!).toBe(1000);
    } finally {
      await b?.stop();
      await a.stop();
    }
  }, 60_000);
});
