/**
 * Cancelled and retracted bids over HTTP against the real stores (api.md, "Who may bid"): the
 * auction stands as if the bidder had never bid, in the reply, the view, the bids list, /me/bids,
 * the frames and the notifications; the read models equal a rebuild from the log.
 */
import { createKnex } from '../../src/platform';
import { rebuildPostgresReadModel } from '../../src/projections';
import { getTokenIssuer } from '../../src/auth';
import { snapshotPostgres, waitUntil } from '../support/readModelSnapshot';
import { call, inSeconds, registerUser, startTestApp, TEST_JWT_SECRET } from '../support/testApp';
import { connectWs } from '../support/wsClient';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
type User = Awaited<ReturnType<typeof registerUser>>;

describe('cancelled and retracted bids', () => {
  let t: TestApp;
  let seller: User;
  let ann: User;
  let bob: User;
  let xav: User;

  beforeAll(async () => {
    t = await startTestApp({ label: 'cancel_bids' });
    [seller, ann, bob, xav] = await Promise.all([
      registerUser(t.url, 'seller'),
      registerUser(t.url, 'ann'),
      registerUser(t.url, 'bob'),
      registerUser(t.url, 'xav'),
    ]);
  });
  afterAll(() => t.stop());

  const create = async (endsInSeconds: number) => {
    const res = await call(t.url, 'POST', '/auctions', {
      token: seller.token,
      body: {
        title: 'Clock',
        currency: 'EUR',
        startingPrice: 1000,
        minIncrement: 100,
        endsAt: inSeconds(endsInSeconds),
      },
    });
    expect(res.status).toBe(201);
    return (res.body as { auctionId: string }).auctionId;
  };
  const bid = async (auctionId: string, user: User, amount: number, maxAmount?: number) => {
    const res = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: user.token,
      body: { amount, ...(maxAmount ? { maxAmount } : {}) },
    });
    expect(res.status).toBe(201);
    return res.body as { bidId: string; position: string };
  };
  const cancel = (
    auctionId: string,
    bidId: string,
    token: string,
    body: unknown = { reason: 'shill bidding' },
  ) => call(t.url, 'POST', `/auctions/${auctionId}/bids/${bidId}/cancel`, { token, body });
  const read = (path: string, user?: User, position?: string) =>
    call(t.url, 'GET', path, { token: user?.token, headers: position ? { 'X-Min-Position': position } : {} });
  const kinds = async (user: User) =>
    ((await read('/me/notifications', user)).body as { items: { kind: string; auctionId: string }[] }).items;

  it("the seller cancels a bidder's bids: the auction stands as if they never bid, everywhere", async () => {
    const auctionId = await create(2 * 24 * 3600);
    const watcher = await connectWs(t.url);
    watcher.send({ type: 'subscribe', auctionId });
    await watcher.until((m) => m.some((x) => x.type === 'subscribed'));
    await bid(auctionId, ann, 1000, 5000);
    const xavs = await bid(auctionId, xav, 1200, 3000); // ann's proxy answers at 3100
    await bid(auctionId, bob, 3500, 4000); // and at 4100

    expect((await cancel(auctionId, xavs.bidId, bob.token)).body).toMatchObject({ code: 'NOT_SELLER' });
    expect((await cancel(auctionId, '0190f4a1-0000-7000-8000-000000000000', seller.token)).status).toBe(404);
    const bad = [
      {},
      { reason: null },
      { reason: '' },
      { reason: '   ' },
      { reason: 7 },
      { reason: 'x'.repeat(501) },
      // Strings no read model can store: refused before the log.
      { reason: 'lone \ud800 surrogate' },
      { reason: 'nul \u0000 byte' },
    ];
    for (const body of [...bad, { reason: 'ok', extra: 1 }, []]) {
      const refused = await cancel(auctionId, xavs.bidId, seller.token, body);
      expect([refused.status, refused.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }

    const res = await cancel(auctionId, xavs.bidId, seller.token);
    expect(res.status).toBe(200);
    const reply = res.body as { position: string; cancelledBidIds: string[] };
    expect(reply).toMatchObject({
      bidderId: xav.userId,
      currentPrice: 4100,
      leadingBidderId: ann.userId,
      bidCount: 3,
    });
    expect(reply.cancelledBidIds).toEqual([xavs.bidId]);
    const again = await cancel(auctionId, xavs.bidId, seller.token);
    expect(again.status).toBe(200);
    expect((again.body as { cancelledBidIds: string[] }).cancelledBidIds).toEqual([]);

    const view = await read(`/auctions/${auctionId}`, undefined, reply.position);
    expect(view.body).toMatchObject({ currentPrice: 4100, bidCount: 3, leadingBidderId: ann.userId });
    expect(JSON.stringify(view.body)).not.toContain('5000'); // ann's ceiling stays hers
    const bids = (await read(`/auctions/${auctionId}/bids`, undefined, reply.position)).body as {
      items: { bidderId: string; amount: number }[];
    };
    expect(bids.items.map((b) => [b.bidderId, b.amount]).sort()).toEqual(
      [
        [ann.userId, 1000],
        [bob.userId, 3500],
        [ann.userId, 4100],
      ].sort(),
    );
    const mine = (await read('/me/bids', xav, reply.position)).body as { items: { auctionId: string }[] };
    expect(mine.items.map((i) => i.auctionId)).not.toContain(auctionId);
    const isCancel = (x: { type: string; event?: { type: string } }) =>
      x.type === 'auction.event' && x.event?.type === 'BidCancelled';
    await watcher.until((m) => m.some(isCancel));
    const frame = watcher.messages.find(isCancel);
    expect(JSON.stringify(frame)).not.toContain('leaderCeiling');
    expect(frame).toMatchObject({ auction: { currentPrice: 4100 } });
    await waitUntil(
      async () => (await kinds(xav)).some((n) => n.kind === 'bid_cancelled'),
      10_000,
      'bid_cancelled',
    );
    watcher.close();
  });

  it('a bidder who leads again is told; a retraction is refused within 12 hours of the end', async () => {
    const auctionId = await create(2 * 24 * 3600);
    await bid(auctionId, ann, 1000);
    await bid(auctionId, xav, 1100);
    const retracted = await call(t.url, 'POST', `/auctions/${auctionId}/retract`, {
      token: xav.token,
      body: { reason: 'typo' },
    });
    expect(retracted.status).toBe(200);
    expect(retracted.body).toMatchObject({ currentPrice: 1000, leadingBidderId: ann.userId, bidCount: 1 });
    await waitUntil(
      async () => (await kinds(ann)).some((n) => n.kind === 'leading_again' && n.auctionId === auctionId),
      10_000,
      'leading_again',
    );
    const soon = await create(3600);
    await bid(soon, xav, 1000);
    const late = await call(t.url, 'POST', `/auctions/${soon}/retract`, { token: xav.token, body: {} });
    expect(late.status).toBe(422);
    expect(late.body).toMatchObject({ code: 'RETRACTION_TOO_LATE' });
    expect(late.headers.get('content-type')).toContain('application/problem+json');
  });

  it('an admin may cancel on any auction; afterwards the read models equal a rebuild from the log', async () => {
    const auctionId = await create(2 * 24 * 3600);
    await bid(auctionId, ann, 1000, 2000);
    const xavs = await bid(auctionId, xav, 1500, 3000);
    await bid(auctionId, bob, 2500);
    const admin = getTokenIssuer(TEST_JWT_SECRET, 600).issue({ sub: bob.userId, roles: ['admin'] });
    const res = await cancel(auctionId, xavs.bidId, admin);
    expect(res.status).toBe(200);
    // Another bidder's proxy answer goes with the bid it answered, and their /me/bids follows: ann's
    // ceiling answered xav at 1300; once xav's bid is cancelled only her own 1000 stands.
    const answered = await create(2 * 24 * 3600);
    await bid(answered, ann, 1000, 5000);
    const xav2 = await bid(answered, xav, 1200);
    const highest = async (position: string) =>
      (
        (await read('/me/bids', ann, position)).body as {
          items: { auctionId: string; myHighestBid: number }[];
        }
      ).items.find((i) => i.auctionId === answered)?.myHighestBid;
    expect(await highest(xav2.position)).toBe(1300);
    const again = await cancel(answered, xav2.bidId, seller.token);
    expect(again.body).toMatchObject({ currentPrice: 1000, leadingBidderId: ann.userId, bidCount: 1 });
    const { position } = again.body as { position: string };
    expect(await highest(position)).toBe(1000);
    await read(`/auctions/${auctionId}`, undefined, position);
    const knex = createKnex(t.databaseUrl, 1);
    try {
      await waitUntil(async () => {
        const head = await t.app.eventStore.headPosition();
        const [row] = await knex('projection_checkpoints')
          .where({ name: 'postgres-read-model' })
          .select('position');
        return (row?.position ?? '') >= (head ?? '');
      });
      const live = await snapshotPostgres(knex, 'read_model');
      await rebuildPostgresReadModel(knex, t.app.eventStore);
      expect(await snapshotPostgres(knex, 'read_model')).toEqual(live);
    } finally {
      await knex.destroy();
    }
  });

  it("a sealed auction's cancellation tells nobody who had bid, before the close", async () => {
    const created = await call(t.url, 'POST', '/auctions', {
      token: seller.token,
      body: {
        title: 'Domain',
        currency: 'EUR',
        startingPrice: 1000,
        format: 'sealed_first_price',
        endsAt: inSeconds(2 * 86400),
      },
    });
    const auctionId = created.body.auctionId as string;
    const watcher = await connectWs(t.url);
    watcher.send({ type: 'subscribe', auctionId });
    await watcher.until((m) => m.some((x) => x.type === 'subscribed'));
    await bid(auctionId, ann, 1500);
    await bid(auctionId, bob, 2500);
    const retracted = await call(t.url, 'POST', `/auctions/${auctionId}/retract`, {
      token: bob.token,
      body: { reason: 'mine' },
    });
    expect(retracted.body).toMatchObject({ bidCount: 1, leadingBidderId: null });
    const isCancel = (x: { type: string; event?: { type: string } }) =>
      x.type === 'auction.event' && x.event?.type === 'BidCancelled';
    await watcher.until((m) => m.some(isCancel));
    const analyst = getTokenIssuer(TEST_JWT_SECRET, 600).issue({ sub: ann.userId, roles: ['analyst'] });
    const events = await call(t.url, 'GET', `/auctions/${auctionId}/events`, { token: analyst });
    const exported = await fetch(`${t.url}/events?types=BidCancelled`, {
      headers: { authorization: `Bearer ${analyst}` },
    });
    // This auction's lines of the export (bob bid in the open on the auctions above).
    const exportedHere = (await exported.text())
      .split('\n')
      .filter((line) => line.includes(`auction-${auctionId}`));
    for (const seen of [
      JSON.stringify(watcher.messages),
      JSON.stringify(events.body),
      exportedHere.join('\n'),
    ]) {
      expect(seen).toContain('BidCancelled');
      expect(seen).not.toContain(bob.userId);
    }
    watcher.close();
  });
});
