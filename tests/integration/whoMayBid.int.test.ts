/**
 * Who may bid, with two instances on one log (api.md, "Who may bid"): each instance's write side
 * decides from its access index, folded from the log, and a refusal from the streams themselves:
 * - registrations: a bid without approval is refused (403 BIDDER_NOT_APPROVED) on both; an
 *   approval counts at once on the other instance, a decline within a second;
 * - a seller's block: 403 BIDDER_BLOCKED on the other instance within a second, lifted at once;
 * - a suspension: every command of the user (a token from before included) answers 403
 *   ACCOUNT_SUSPENDED on both instances within a second, reads still answer, and the process
 *   manager cancels their bids on open auctions; reinstated, they bid again, nothing restored;
 *   the admin's history shows who did what, when and why.
 */
import { getTokenIssuer } from '../../src/auth';
import { waitUntil } from '../support/readModelSnapshot';
import { call, inSeconds, registerUser, startTestApp, TEST_JWT_SECRET } from '../support/testApp';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
type User = Awaited<ReturnType<typeof registerUser>>;

/** Polls `attempt` until it answers `status`, at most `withinMs`; the time it took. */
async function within(withinMs: number, attempt: () => Promise<{ status: number }>, status: number) {
  const start = Date.now();
  let last = 0;
  while (Date.now() - start <= withinMs) {
    last = (await attempt()).status;
    if (last === status) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`still ${last} after ${withinMs} ms (wanted ${status})`);
}

describe('who may bid, on two instances', () => {
  let a: TestApp;
  let b: TestApp;
  let seller: User;
  let bidder: User;
  let other: User;
  let admin: string;

  beforeAll(async () => {
    a = await startTestApp({ label: 'who_may_bid' });
    b = await startTestApp({ databaseUrl: a.databaseUrl });
    [seller, bidder, other] = await Promise.all([
      registerUser(a.url, 'seller'),
      registerUser(a.url, 'bidder'),
      registerUser(a.url, 'other'),
    ]);
    admin = getTokenIssuer(TEST_JWT_SECRET, 600).issue({ sub: other.userId, roles: ['admin'] });
  }, 60_000);
  afterAll(async () => {
    await b?.app.stop();
    await a?.stop();
  });

  const auction = async (endsIn = 2 * 86400) => {
    const res = await call(a.url, 'POST', '/auctions', {
      token: seller.token,
      body: {
        title: 'Chair',
        currency: 'EUR',
        startingPrice: 1000,
        minIncrement: 100,
        endsAt: inSeconds(endsIn),
      },
    });
    expect(res.status).toBe(201);
    return res.body.auctionId as string;
  };
  const bid = (url: string, user: User, auctionId: string, amount: number) =>
    call(url, 'POST', `/auctions/${auctionId}/bids`, { token: user.token, body: { amount } });

  it('registrations: no bid before approval, an approval counts at once on the other instance', async () => {
    const sale = await call(a.url, 'POST', '/sales', {
      token: seller.token,
      body: {
        title: 'Rare books',
        currency: 'EUR',
        startsAt: inSeconds(1.5), // lots are added before the start
        firstLotEndsAt: inSeconds(2 * 86400),
        requiresApproval: true,
      },
    });
    const saleId = sale.body.saleId as string;
    const lot = await call(a.url, 'POST', `/sales/${saleId}/lots`, {
      token: seller.token,
      body: { title: 'Atlas', startingPrice: 1000 },
    });
    expect([sale.status, lot.status]).toEqual([201, 201]);
    const lotId = lot.body.auctionId as string;
    await new Promise((r) => setTimeout(r, 1600));
    for (const url of [a.url, b.url])
      expect((await bid(url, bidder, lotId, 1000)).body).toMatchObject({ code: 'BIDDER_NOT_APPROVED' });

    const asked = await call(a.url, 'POST', `/sales/${saleId}/registrations`, {
      token: bidder.token,
      body: {},
    });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ saleId, userId: bidder.userId, status: 'pending', decidedAt: null });
    expect(
      (await call(b.url, 'POST', `/sales/${saleId}/registrations`, { token: bidder.token, body: {} })).body,
    ).toMatchObject({ status: 'pending' });
    expect((await bid(b.url, bidder, lotId, 1000)).status).toBe(403);
    expect(
      (await call(a.url, 'POST', `/sales/${saleId}/registrations`, { token: seller.token, body: {} })).body,
    ).toMatchObject({ code: 'SELLER_CANNOT_REGISTER' });
    expect(
      (await call(b.url, 'GET', `/sales/${saleId}/registrations`, { token: bidder.token })).body,
    ).toMatchObject({ code: 'NOT_SELLER' });
    const list = await call(b.url, 'GET', `/sales/${saleId}/registrations`, { token: seller.token });
    expect(list.body).toMatchObject({
      items: [{ userId: bidder.userId, status: 'pending' }],
      nextCursor: null,
    });
    const path = `/sales/${saleId}/registrations/${bidder.userId}`;
    expect(
      (await call(a.url, 'POST', `${path}/approve`, { token: bidder.token, body: {} })).body,
    ).toMatchObject({ code: 'NOT_SELLER' });
    expect(
      (
        await call(a.url, 'POST', `/sales/${saleId}/registrations/${other.userId}/approve`, {
          token: seller.token,
          body: {},
        })
      ).body,
    ).toMatchObject({ code: 'REGISTRATION_NOT_FOUND' });

    const approved = await call(a.url, 'POST', `${path}/approve`, { token: seller.token, body: {} });
    expect(approved.body).toMatchObject({ status: 'approved' });
    expect((await bid(b.url, bidder, lotId, 1000)).status).toBe(201); // at once, on the other instance
    // The other instance's list, read with the approval's position: never older than it.
    const mine = await call(b.url, 'GET', '/me/registrations', {
      token: bidder.token,
      headers: { 'X-Min-Position': approved.body.position as string },
    });
    expect(mine.body).toMatchObject({ items: [{ saleId, status: 'approved' }], nextCursor: null });
    expect(mine.headers.get('x-projection-position')! >= (approved.body.position as string)).toBe(true);

    const declined = await call(a.url, 'POST', `${path}/decline`, {
      token: seller.token,
      body: { reason: 'no deposit' },
    });
    expect(declined.body).toMatchObject({ status: 'declined', reason: 'no deposit' });
    await within(1000, () => bid(b.url, bidder, lotId, 5000), 403);
    const stranger = await call(a.url, 'POST', '/sales', {
      token: seller.token,
      body: { title: 'Open sale', currency: 'EUR', firstLotEndsAt: inSeconds(86400) },
    });
    const open = await call(a.url, 'POST', `/sales/${stranger.body.saleId as string}/registrations`, {
      token: bidder.token,
      body: {},
    });
    expect(open.body).toMatchObject({ code: 'APPROVAL_NOT_REQUIRED' });
  });

  it("a seller's block holds on the other instance within a second, and lifts at once", async () => {
    const auctionId = await auction();
    const blocked = `/me/blocked-bidders/${bidder.userId}`;
    expect((await call(a.url, 'PUT', blocked, { token: seller.token })).status).toBe(204);
    expect((await call(a.url, 'PUT', blocked, { token: seller.token })).status).toBe(204);
    const took = await within(1000, () => bid(b.url, bidder, auctionId, 1000), 403);
    expect((await bid(b.url, bidder, auctionId, 1000)).body).toMatchObject({ code: 'BIDDER_BLOCKED' });
    expect(
      (await call(b.url, 'POST', `/auctions/${auctionId}/buy-now`, { token: bidder.token, body: {} })).body,
    ).toMatchObject({ code: 'BIDDER_BLOCKED' });
    expect((await call(b.url, 'GET', '/me/blocked-bidders', { token: seller.token })).body).toEqual({
      items: [{ userId: bidder.userId }],
      nextCursor: null,
    });
    expect(
      (await call(a.url, 'PUT', `/me/blocked-bidders/${seller.userId}`, { token: seller.token })).body,
    ).toMatchObject({ code: 'CANNOT_BLOCK_SELF' });
    expect((await call(a.url, 'PUT', '/me/blocked-bidders/not-a-uuid', { token: seller.token })).status).toBe(
      400,
    );
    expect((await call(a.url, 'DELETE', blocked, { token: seller.token })).status).toBe(204);
    expect((await bid(b.url, bidder, auctionId, 1000)).status).toBe(201);
    expect(took).toBeLessThan(1000);
  });

  it('a suspension: every command refused on both instances within a second, bids cancelled, an audit trail', async () => {
    const auctionId = await auction();
    expect((await bid(a.url, bidder, auctionId, 1000)).status).toBe(201);
    const before = bidder.token; // issued before the suspension
    const path = `/admin/users/${bidder.userId}`;
    expect(
      (await call(a.url, 'POST', `${path}/suspend`, { token: seller.token, body: { reason: 'x' } })).body,
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect((await call(a.url, 'POST', `${path}/suspend`, { token: admin, body: {} })).status).toBe(400);
    const suspended = await call(a.url, 'POST', `${path}/suspend`, {
      token: admin,
      body: { reason: 'shill bidding' },
    });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ userId: bidder.userId, suspended: true });

    const create = () =>
      call(b.url, 'POST', '/auctions', {
        token: before,
        body: { title: 'x', currency: 'EUR', startingPrice: 1, endsAt: inSeconds(600) },
      });
    await within(1000, create, 403);
    expect((await create()).body).toMatchObject({ code: 'ACCOUNT_SUSPENDED' });
    for (const url of [a.url, b.url]) {
      expect((await bid(url, bidder, auctionId, 5000)).body).toMatchObject({ code: 'ACCOUNT_SUSPENDED' });
      expect((await call(url, 'PUT', `/me/watchlist/${auctionId}`, { token: before })).status).toBe(403);
      expect((await call(url, 'GET', '/me', { token: before })).status).toBe(200);
      expect((await call(url, 'GET', '/me/bids', { token: before })).status).toBe(200);
    }
    // The process manager cancels their bids on open auctions (once the suspension reached every instance).
    const historyOf = async (position?: string) =>
      (
        await call(a.url, 'GET', `${path}/history`, {
          token: admin,
          headers: position ? { 'X-Min-Position': position } : {},
        })
      ).body.items as { kind: string }[];
    await waitUntil(
      async () => (await historyOf()).some((i) => i.kind === 'bids_cancelled'),
      15_000,
      'bids cancelled',
    );
    await waitUntil(async () => {
      const { items } = (await call(b.url, 'GET', `/auctions/${auctionId}/bids`)).body as {
        items: unknown[];
      };
      return items.length === 0;
    }, 5000);

    const reinstated = await call(b.url, 'POST', `${path}/reinstate`, {
      token: admin,
      body: { reason: 'appeal upheld' },
    });
    expect(reinstated.body).toMatchObject({ suspended: false });
    expect((await bid(a.url, bidder, auctionId, 1000)).status).toBe(201); // at once, nothing restored
    const history = { body: { items: await historyOf(reinstated.body.position as string) } };
    // Their bids on every open auction went: this one, and those of the tests above (a lot, a chair).
    const items = history.body.items as Array<{ kind: string; auctionId?: string }>;
    expect(items[0]).toMatchObject({ kind: 'suspended', by: other.userId, reason: 'shill bidding' });
    expect(items.at(-1)).toMatchObject({ kind: 'reinstated', by: other.userId, reason: 'appeal upheld' });
    const cancelled = items.slice(1, -1);
    expect(cancelled).toHaveLength(3);
    expect(cancelled.every((i) => i.kind === 'bids_cancelled')).toBe(true);
    expect(cancelled.find((i) => i.auctionId === auctionId)).toMatchObject({
      by: other.userId,
      bids: 1,
      reason: 'Account suspended: shill bidding',
    });
    expect((await call(a.url, 'GET', `${path}/history`, { token: bidder.token })).status).toBe(403);
  }, 30_000);
});
