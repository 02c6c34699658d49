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
import { waitUntil } from '../support/readModelSnapshot';
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
    [seller, ann, bob, xav] = await Promise.all(
      ['seller', 'ann', 'bob', 'xav'].map((label, i) => registerUser(i % 2 ? a.url : b.url, label)),
    );
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
});
