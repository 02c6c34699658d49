/**
 * After the hammer, on two instances on one log (api.md, "After the hammer"), with the deadlines
 * set low as the contract's names allow: invoices made by the reactor once per sold auction,
 * payments, the deadline and the strikes that suspend, second chance offers (decline, accept,
 * expiry), and erasure by crypto-shredding, searched for in every table, Redis key and the export.
 */
import Redis from 'ioredis';
import { createKnex } from '../../src/platform';
import { getTokenIssuer } from '../../src/auth';
import { foldInvoice, invoiceStreamType, type InvoiceEvent } from '../../src/invoicing';
import { snapshotPostgres, waitUntil } from '../support/readModelSnapshot';
import { rebuildPostgresReadModel } from '../../src/projections';
import {
  call,
  createAuction,
  inSeconds,
  registerUser,
  startTestApp,
  TEST_JWT_SECRET,
} from '../support/testApp';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
type User = Awaited<ReturnType<typeof registerUser>>;
type Body = Record<string, unknown>;

const env = {
  PAYMENT_DUE_SECONDS: '3',
  OFFER_TTL_SECONDS: '3',
  MAX_STRIKES: '2',
  SCHEDULER_SWEEP_SECONDS: '1',
};

describe('after the hammer, on two instances', () => {
  let a: TestApp;
  let b: TestApp;
  let seller: User;
  let ann: User;
  let bob: User;
  let xav: User;
  let admin: string;

  beforeAll(async () => {
    a = await startTestApp({ label: 'after_hammer', env });
    b = await startTestApp({ databaseUrl: a.databaseUrl, env });
    seller = await registerUser(a.url, 'seller');
    ann = await registerUser(b.url, 'ann');
    bob = await registerUser(a.url, 'bob');
    xav = await registerUser(b.url, 'xav');
    admin = getTokenIssuer(TEST_JWT_SECRET, 600).issue({ sub: seller.userId, roles: ['admin'] });
  }, 60_000);
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  const on = (i: number) => (i % 2 ? a.url : b.url);
  const bid = async (auctionId: string, user: User, amount: number, i = 0) => {
    const res = await call(on(i), 'POST', `/auctions/${auctionId}/bids`, {
      token: user.token,
      body: { amount },
    });
    expect(res.status).toBe(201);
  };
  /** An auction of `seller`'s that ends in 2 s after these bids. */
  const sold = async (bids: Array<[User, number]>, overrides: Body = {}) => {
    const auctionId = await createAuction(a.url, seller.token, { endsAt: inSeconds(2.5), ...overrides });
    for (const [i, [user, amount]] of bids.entries()) await bid(auctionId, user, amount, i);
    return auctionId;
  };
  const invoicesOf = async (user: User, path = '/me/invoices') =>
    ((await call(on(1), 'GET', path, { token: user.token })).body as { items: Body[] }).items;
  const invoiceFor = async (user: User, auctionId: string) => {
    let found: Body | undefined;
    await waitUntil(
      async () => Boolean((found = (await invoicesOf(user)).find((i) => i.auctionId === auctionId))),
      20_000,
      `the invoice of ${auctionId}`,
    );
    return found!;
  };
  const knex = () => createKnex(a.databaseUrl, 1);

  it('a sold auction gets one invoice; the seller records payments up to the total, never beyond', async () => {
    const auctionId = await sold([
      [ann, 1000],
      [bob, 1200],
    ]);
    const invoice = await invoiceFor(bob, auctionId);
    expect(invoice).toMatchObject({
      buyerId: bob.userId,
      sellerId: seller.userId,
      hammerPrice: 1200,
      buyersPremium: 0,
      total: 1200,
      status: 'open',
      payments: [],
    });
    const id = invoice.invoiceId as string;
    expect((await invoicesOf(seller, '/me/sales-invoices')).map((i) => i.invoiceId)).toContain(id);
    for (const [token, status] of [
      [bob.token, 200],
      [seller.token, 200],
      [admin, 200],
      [ann.token, 403],
    ] as const)
      expect((await call(on(0), 'GET', `/invoices/${id}`, { token })).status).toBe(status);

    const pay = (token: string, amount: number, i = 0) =>
      call(on(i), 'POST', `/invoices/${id}/payments`, {
        token,
        body: { amount, method: 'bank_transfer', reference: 'ref' },
      });
    expect((await pay(bob.token, 100)).body).toMatchObject({ code: 'NOT_SELLER' });
    for (const body of [
      {},
      // What no read model can store, or absurd: refused before the log.
      { amount: 10, method: 'cash', reference: 'nul \u0000 byte' },
      { amount: 10, method: 'cash', reference: 'lone \ud800 surrogate' },
      { amount: 10, method: 'cash', reference: 'x'.repeat(201) },
      { amount: 10, method: 'cash', 'lone \udc00': 1 },
      { amount: 1e13, method: 'cash' },
      { amount: 0, method: 'cash' },
      { amount: 10, method: 'barter' },
      { amount: 1.5, method: 'cash' },
    ])
      expect(
        (await call(on(0), 'POST', `/invoices/${id}/payments`, { token: seller.token, body })).status,
      ).toBe(400);
    expect((await pay(seller.token, 500)).body).toMatchObject({ status: 'open', paid: 500, amountDue: 700 });
    const over = await pay(seller.token, 701, 1);
    expect([over.status, over.body.code, over.body.due]).toEqual([422, 'OVERPAYMENT', 700]);
    expect((await pay(admin, 700, 1)).body).toMatchObject({ status: 'paid', paid: 1200, amountDue: 0 });
    expect((await pay(seller.token, 1)).body).toMatchObject({ code: 'INVOICE_PAID' });

    // Exactly one, whatever both instances' reactors did.
    const db = knex();
    try {
      const events = await a.app.eventStore.readStream(`invoice-${id}`);
      expect(events.filter((e) => e.type === 'InvoiceIssued')).toHaveLength(1);
      expect(
        await db('invoices').where({ auction_id: auctionId }).count<{ n: string }[]>({ n: '*' }),
      ).toEqual([{ n: '1' }]);
    } finally {
      await db.destroy();
    }
  }, 60_000);

  it("a sale's premium is added, rounded half up", async () => {
    const refused = await call(a.url, 'POST', '/sales', {
      token: seller.token,
      body: { title: 'Odd', currency: 'EUR', firstLotEndsAt: inSeconds(60), buyersPremiumPercent: 12.345 },
    });
    expect([refused.status, refused.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const created = await call(a.url, 'POST', '/sales', {
      token: seller.token,
      body: {
        title: 'Prints',
        currency: 'EUR',
        startsAt: inSeconds(1),
        firstLotEndsAt: inSeconds(3.5),
        buyersPremiumPercent: 12.5,
      },
    });
    expect(created.status).toBe(201);
    const saleId = created.body.saleId as string;
    const lot = await call(a.url, 'POST', `/sales/${saleId}/lots`, {
      token: seller.token,
      body: { title: 'Etching', startingPrice: 1005 },
    });
    expect(lot.body).toMatchObject({ lotNumber: 1 });
    const auctionId = lot.body.auctionId as string;
    await new Promise((r) => setTimeout(r, 1100)); // the sale starts
    await bid(auctionId, xav, 1005);
    // 1005 x 12.5% = 125.625: 126
    expect(await invoiceFor(xav, auctionId)).toMatchObject({
      saleId,
      hammerPrice: 1005,
      buyersPremium: 126,
      total: 1131,
    });
  }, 60_000);

  const notified = async (user: User, kind: string, auctionId: string) =>
    waitUntil(
      async () =>
        (
          (await call(on(0), 'GET', '/me/notifications', { token: user.token })).body as { items: Body[] }
        ).items.some((n) => n.kind === kind && n.auctionId === auctionId),
      20_000,
      `${kind} for ${auctionId}`,
    );

  it('an unpaid invoice turns overdue with a strike; the second chance goes to the next bidders; MAX_STRIKES suspend', async () => {
    const first = await sold([
      [ann, 1000],
      [xav, 1100],
      [bob, 1300],
    ]);
    const second = await sold([[bob, 1000]]);
    const unpaid = await invoiceFor(bob, first);
    await invoiceFor(bob, second);
    const early = await call(on(0), 'POST', `/auctions/${first}/second-chance`, {
      token: seller.token,
      body: {},
    });
    expect([early.status, early.body.code]).toEqual([422, 'SECOND_CHANCE_NOT_AVAILABLE']);
    await waitUntil(
      async () => (await invoicesOf(bob)).filter((i) => i.status === 'overdue').length === 2,
      20_000,
      'both overdue',
    );
    // Two strikes (MAX_STRIKES=2): bob is suspended, on both instances.
    await waitUntil(
      async () =>
        (await call(on(1), 'POST', `/auctions/${first}/retract`, { token: bob.token, body: {} })).status ===
        403,
      10_000,
      'the suspension',
    );
    const history = await call(on(0), 'GET', `/admin/users/${bob.userId}/history`, { token: admin });
    expect((history.body.items as Body[]).map((i) => i.kind)).toEqual(['strike', 'strike', 'suspended']);
    const userLog = await a.app.eventStore.readStream(`user-${bob.userId}`);
    expect(userLog.filter((e) => e.type === 'StrikeRecorded')).toHaveLength(2);

    expect(
      (await call(on(0), 'POST', `/auctions/${first}/second-chance`, { token: ann.token, body: {} })).body,
    ).toMatchObject({ code: 'NOT_SELLER' });
    const offered = await call(on(0), 'POST', `/auctions/${first}/second-chance`, {
      token: seller.token,
      body: {},
    });
    expect(offered.status).toBe(201);
    expect(offered.body).toMatchObject({ bidderId: xav.userId, amount: 1100, status: 'open' });
    const again = await call(on(1), 'POST', `/auctions/${first}/second-chance`, {
      token: seller.token,
      body: {},
    });
    expect(again.body.offerId).toBe(offered.body.offerId);
    await notified(xav, 'offer_received', first);
    const offerPath = (id: unknown, action: string) => `/offers/${String(id)}/${action}`;
    await waitUntil(
      async () => (await call(on(0), 'GET', '/me/offers', { token: xav.token })).body.items !== undefined,
    );
    expect(
      (await call(on(0), 'POST', offerPath(offered.body.offerId, 'accept'), { token: ann.token, body: {} }))
        .body,
    ).toMatchObject({
      code: 'NOT_OFFERED_TO_YOU',
    });
    const declined = await call(on(1), 'POST', offerPath(offered.body.offerId, 'decline'), {
      token: xav.token,
      body: {},
    });
    expect(declined.body).toMatchObject({ status: 'declined' });
    let toAnn: Body | undefined;
    await waitUntil(async () => {
      toAnn = (
        (await call(on(0), 'GET', '/me/offers', { token: ann.token })).body as { items: Body[] }
      ).items.find((o) => o.auctionId === first && o.status === 'open');
      return Boolean(toAnn);
    });
    expect(toAnn).toMatchObject({ amount: 1000 });
    const accepted = await call(on(0), 'POST', offerPath(toAnn!.offerId, 'accept'), {
      token: ann.token,
      body: {},
    });
    expect(accepted.body).toMatchObject({ status: 'accepted' });
    const annInvoice = await invoiceFor(ann, first);
    expect(annInvoice).toMatchObject({
      invoiceId: accepted.body.invoiceId,
      hammerPrice: 1000,
      offerId: toAnn!.offerId,
    });
    await waitUntil(
      async () =>
        (await call(on(0), 'GET', `/invoices/${String(unpaid.invoiceId)}`, { token: seller.token })).body
          .status === 'void',
      10_000,
      'the overdue invoice voided',
    );
    const late = await call(on(0), 'POST', `/invoices/${String(unpaid.invoiceId)}/payments`, {
      token: seller.token,
      body: { amount: 1, method: 'cash' },
    });
    expect(late.body).toMatchObject({ code: 'INVOICE_VOID' });
  }, 90_000);

  it('an offer nobody answers expires, and the second chance ends when no bidder is left', async () => {
    const auctionId = await sold([[xav, 1000]], { reservePrice: 5000 });
    await waitUntil(
      async () => (await call(on(0), 'GET', `/auctions/${auctionId}`)).body.status === 'closed',
      20_000,
      'the close',
    );
    const offered = await call(on(1), 'POST', `/auctions/${auctionId}/second-chance`, {
      token: seller.token,
      body: {},
    });
    expect(offered.body).toMatchObject({ bidderId: xav.userId, amount: 1000 });
    await notified(xav, 'offer_expired', auctionId);
    await notified(seller, 'offer_expired', auctionId);
    const expired = (
      (await call(on(0), 'GET', '/me/offers', { token: xav.token })).body as { items: Body[] }
    ).items.find((o) => o.offerId === offered.body.offerId);
    expect(expired).toMatchObject({ status: 'expired' });
    const late = await call(on(0), 'POST', `/offers/${String(offered.body.offerId)}/accept`, {
      token: xav.token,
      body: {},
    });
    expect([late.status, late.body.code]).toEqual([422, 'OFFER_NOT_OPEN']);
  }, 60_000);

  /** Every place a value could be kept: each text-like column of every table, every Redis key of this app. */
  async function whereFound(needles: string[]): Promise<string[]> {
    const db = knex();
    const found: string[] = [];
    try {
      const columns = await db('information_schema.columns')
        .whereNotIn('table_schema', ['pg_catalog', 'information_schema'])
        .whereIn('data_type', ['text', 'character varying', 'jsonb', 'json', 'ARRAY', 'bytea'])
        .select('table_schema', 'table_name', 'column_name', 'data_type');
      for (const c of columns)
        for (const needle of needles) {
          const cell =
            c.data_type === 'bytea'
              ? db.raw('encode(??, ?)', [c.column_name, 'escape'])
              : db.raw('??::text', [c.column_name]);
          const [row] = await db(`${c.table_schema}.${c.table_name}`)
            .where(db.raw('? ILIKE ?', [cell, `%${needle}%`]))
            .count<{ n: string }[]>({ n: '*' });
          if (Number(row?.n) > 0) found.push(`${c.table_schema}.${c.table_name}.${c.column_name}: ${needle}`);
        }
    } finally {
      await db.destroy();
    }
    const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      for (const key of await redis.keys(`${a.redisKeyPrefix}*`)) {
        const type = await redis.type(key);
        const value =
          type === 'string'
            ? await redis.get(key)
            : type === 'hash'
              ? JSON.stringify(await redis.hgetall(key))
              : type === 'list'
                ? JSON.stringify(await redis.lrange(key, 0, -1))
                : type === 'set'
                  ? JSON.stringify(await redis.smembers(key))
                  : type === 'zset'
                    ? JSON.stringify(await redis.zrange(key, '0', '-1'))
                    : type === 'stream'
                      ? JSON.stringify(await redis.xrange(key, '-', '+'))
                      : '';
        for (const needle of needles)
          if (value?.toLowerCase().includes(needle.toLowerCase())) found.push(`redis ${key}: ${needle}`);
      }
    } finally {
      redis.disconnect();
    }
    const analyst = getTokenIssuer(TEST_JWT_SECRET, 600).issue({ sub: seller.userId, roles: ['analyst'] });
    const exported = await (
      await fetch(`${a.url}/events`, { headers: { authorization: `Bearer ${analyst}` } })
    ).text();
    for (const needle of needles)
      if (exported.toLowerCase().includes(needle.toLowerCase())) found.push(`export: ${needle}`);
    return found;
  }

  it('DELETE /me erases the personal data everywhere (crypto-shredding) while every invoice replays the same', async () => {
    const email = `erin-${Date.now()}@example.test`;
    const password = 'erin correct horse';
    const displayName = 'Erin Quillfeather-Vasko';
    const registered = await call(a.url, 'POST', '/auth/register', {
      body: { email, password, displayName },
    });
    const erin = { email, userId: registered.body.userId as string, token: registered.body.token as string };
    const auctionId = await sold([[erin, 1000]]);
    const invoice = await invoiceFor(erin, auctionId);
    const id = String(invoice.invoiceId);
    const details = {
      name: 'Erin Quillfeather-Vasko',
      address: { line1: '17 Zanzibarweg', city: 'Oosterhoutdam', postalCode: '9X9 4QQ', country: 'NL' },
    };
    expect(
      (await call(b.url, 'PUT', `/invoices/${id}/checkout`, { token: seller.token, body: details })).body,
    ).toMatchObject({
      code: 'NOT_BUYER',
    });
    for (const body of [
      {},
      { ...details, name: ' ' },
      { ...details, name: 'nul \u0000' },
      { ...details, address: { ...details.address, city: 'lone \ud800' } },
      { ...details, name: 'x'.repeat(201) },
      { ...details, address: { ...details.address, country: ' ' } },
    ])
      expect((await call(b.url, 'PUT', `/invoices/${id}/checkout`, { token: erin.token, body })).status).toBe(
        400,
      );
    const given = await call(b.url, 'PUT', `/invoices/${id}/checkout`, { token: erin.token, body: details });
    expect(given.body).toMatchObject({ checkoutProvided: true, checkout: details });
    expect((await call(a.url, 'GET', `/invoices/${id}`, { token: seller.token })).body.checkout).toEqual(
      details,
    );
    const events = await a.app.eventStore.readStream(`invoice-${id}`);
    expect(JSON.stringify(events.map((e) => e.data))).not.toContain('Zanzibarweg'); // sealed in the log
    const data = await call(a.url, 'GET', '/me/data', { token: erin.token });
    expect(data.body).toMatchObject({
      account: { email, displayName },
      checkoutDetails: [{ invoiceId: id, details }],
    });

    const wrong = await call(a.url, 'DELETE', '/me', { token: erin.token, body: { password: 'not it' } });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    const owing = await call(a.url, 'DELETE', '/me', { token: erin.token, body: { password } });
    expect([owing.status, owing.body.code]).toEqual([409, 'OPEN_INVOICES']);
    const paid = await call(a.url, 'POST', `/invoices/${id}/payments`, {
      token: seller.token,
      body: { amount: 1000, method: 'card' },
    });
    await call(a.url, 'GET', '/me/invoices', {
      token: erin.token,
      headers: { 'X-Min-Position': String(paid.body.position) },
    });
    const needles = [
      email,
      displayName,
      details.address.line1,
      details.address.city,
      details.address.postalCode,
    ];
    expect((await whereFound(needles)).length).toBeGreaterThan(0); // the search finds what is there

    const erased = await call(b.url, 'DELETE', '/me', { token: erin.token, body: { password } });
    expect(erased.status).toBe(204);
    expect((await call(a.url, 'POST', '/auth/login', { body: { email, password } })).status).toBe(401);
    expect((await call(a.url, 'PUT', '/me/watchlist/' + auctionId, { token: erin.token })).status).toBe(403);
    expect((await call(a.url, 'GET', `/invoices/${id}`, { token: seller.token })).body).toMatchObject({
      checkout: null,
      checkoutProvided: true,
      status: 'paid',
      buyerId: erin.userId,
    });
    expect(await whereFound(needles)).toEqual([]);

    // The log is whole: every invoice replays to what the read model holds, and the auctions'
    // read model equals a rebuild from the log.
    const db = knex();
    try {
      await waitUntil(async () => {
        const head = await a.app.eventStore.headPosition();
        const row = await db('projection_checkpoints')
          .where({ name: 'postgres-read-model' })
          .first('position');
        return ((row?.position as string | undefined) ?? '') >= (head ?? '');
      });
      const live = await snapshotPostgres(db, 'read_model');
      await rebuildPostgresReadModel(db, a.app.eventStore);
      expect(await snapshotPostgres(db, 'read_model')).toEqual(live);
      for (const row of await db('invoices').select('invoice_id', 'state')) {
        const stream = await a.app.eventStore.readStream(`invoice-${String(row.invoice_id)}`);
        const replayed = foldInvoice(
          stream.map((e) => invoiceStreamType.eventOf(e)).filter((e): e is InvoiceEvent => !!e),
        );
        expect(row.state).toEqual(JSON.parse(JSON.stringify(replayed)));
      }
    } finally {
      await db.destroy();
    }
  }, 90_000);
});
