/**
 * Buy it now over HTTP and WebSocket against the real stores: a buy closes the auction at once,
 * sold to the buyer; it is offered only while no bid stands; a buy and bids at the same moment
 * are decided one after the other and the log shows which won; a lot of a sale can be bought too.
 */
import { randomUUID } from 'node:crypto';
import { auctionStreamId } from '../../src/auction';
import { saleStreamId } from '../../src/sales';
import { waitUntil } from '../support/readModelSnapshot';
import { call, createAuction, inSeconds, registerUser, startTestApp } from '../support/testApp';
import { connectWs } from '../support/wsClient';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
type User = Awaited<ReturnType<typeof registerUser>>;

describe('buy it now', () => {
  let t: TestApp;
  let seller: User;
  let ann: User;
  let bob: User;

  beforeAll(async () => {
    t = await startTestApp({ label: 'buy-now' });
    [seller, ann, bob] = await Promise.all([
      registerUser(t.url, 'seller'),
      registerUser(t.url, 'ann'),
      registerUser(t.url, 'bob'),
    ]);
  });
  afterAll(() => t.stop());

  const buyNow = (auctionId: string, token: string, headers: Record<string, string> = {}) =>
    call(t.url, 'POST', `/auctions/${auctionId}/buy-now`, { token, body: {}, headers });
  const types = async (auctionId: string) =>
    (await t.app.eventStore.readStream(auctionStreamId(auctionId))).map((e) => e.type);

  it('sells at once to the buyer: the reply, the log, the view, the frames and the notification say so', async () => {
    const created = await call(t.url, 'POST', '/auctions', {
      token: seller.token,
      body: {
        title: 'Lamp',
        currency: 'EUR',
        startingPrice: 1000,
        endsAt: inSeconds(3600),
        buyNowPrice: 5000,
      },
    });
    const auctionId = created.body.auctionId as string;
    const before = await call(t.url, 'GET', `/auctions/${auctionId}`, {
      headers: { 'X-Min-Position': created.body.position as string },
    });
    expect(before.body).toMatchObject({ buyNowPrice: 5000, status: 'open', bidCount: 0 });
    const watcher = await connectWs(t.url);
    watcher.send({ type: 'subscribe', auctionId });
    await watcher.until((m) => m.some((x) => x.type === 'subscribed'));

    const key = { 'Idempotency-Key': randomUUID() };
    const bought = await buyNow(auctionId, ann.token, key);
    expect(bought.status).toBe(200);
    expect(bought.body).toMatchObject({ auctionId, outcome: 'sold', winnerId: ann.userId, finalPrice: 5000 });
    const again = await buyNow(auctionId, ann.token, key);
    expect([again.status, again.body]).toEqual([200, bought.body]);
    expect(await types(auctionId)).toEqual(['AuctionCreated', 'AuctionBoughtNow', 'AuctionClosed']);

    const after = await call(t.url, 'GET', `/auctions/${auctionId}`, {
      headers: { 'X-Min-Position': bought.body.position as string },
    });
    expect(after.body).toMatchObject({
      status: 'closed',
      outcome: 'sold',
      winnerId: ann.userId,
      finalPrice: 5000,
      currentPrice: 5000,
      minimumBid: null,
    });
    await watcher.until((m) =>
      ['AuctionBoughtNow', 'AuctionClosed'].every((type) =>
        m.some((x) => x.type === 'auction.event' && x.event?.type === type),
      ),
    );
    watcher.close();
    await waitUntil(
      async () => {
        const mine = await call(t.url, 'GET', '/me/notifications', { token: ann.token });
        return (mine.body.items as Array<{ kind: string; auctionId: string }>).some(
          (n) => n.kind === 'won' && n.auctionId === auctionId,
        );
      },
      10_000,
      "the buyer's won notification",
    );

    expect((await buyNow(auctionId, bob.token)).body.code).toBe('AUCTION_NOT_OPEN');
    const late = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: bob.token,
      body: { amount: 9000 },
    });
    expect([late.status, late.body.code]).toEqual([422, 'AUCTION_NOT_OPEN']);
    expect(await types(auctionId)).toHaveLength(3);
  });

  it('ends with the first bid; never for the seller, without a price, or for what is not there', async () => {
    const auctionId = await createAuction(t.url, seller.token, { buyNowPrice: 5000 });
    const bid = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: bob.token,
      body: { amount: 1000 },
    });
    expect(bid.status).toBe(201);
    expect((await buyNow(auctionId, ann.token)).body.code).toBe('BUY_NOW_UNAVAILABLE');
    const plain = await createAuction(t.url, seller.token);
    expect((await buyNow(plain, ann.token)).body.code).toBe('BUY_NOW_UNAVAILABLE');
    const own = await createAuction(t.url, seller.token, { buyNowPrice: 5000 });
    expect((await buyNow(own, seller.token)).body.code).toBe('SELLER_CANNOT_BID');
    expect((await buyNow(randomUUID(), ann.token)).status).toBe(404);
    expect((await call(t.url, 'POST', `/auctions/${own}/buy-now`, { body: {} })).status).toBe(401);
    const extra = await call(t.url, 'POST', `/auctions/${own}/buy-now`, {
      token: ann.token,
      body: { price: 1 },
    });
    expect([extra.status, extra.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await types(own)).toEqual(['AuctionCreated']);
  });

  it('hostile bodies are refused with a 4xx problem and write nothing: lone surrogates, NUL, a key twice, deep, huge', async () => {
    const auctionId = await createAuction(t.url, seller.token, { buyNowPrice: 5000 });
    const deep = `${'{"a":'.repeat(200)}1${'}'.repeat(200)}`;
    for (const raw of [
      '{"\ud800":1}',
      '{"x":"\u0000"}',
      '{"a":1,"a":2}',
      deep,
      `{"x":"${'y'.repeat(2_000_000)}"}`,
      '[]',
      'null',
    ]) {
      const res = await call(t.url, 'POST', `/auctions/${auctionId}/buy-now`, { token: ann.token, raw });
      expect([raw.slice(0, 20), res.status < 500 && res.status >= 400]).toEqual([raw.slice(0, 20), true]);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    for (const buyNowPrice of ['5000', -1, 2 ** 60, null, { a: 1 }]) {
      const res = await call(t.url, 'POST', '/auctions', {
        token: seller.token,
        body: { title: 'Lamp', currency: 'EUR', startingPrice: 1000, endsAt: inSeconds(3600), buyNowPrice },
      });
      expect([JSON.stringify(buyNowPrice), res.status]).toEqual([JSON.stringify(buyNowPrice), 400]);
    }
    expect(await types(auctionId)).toEqual(['AuctionCreated']);
  });

  it.each([
    [{ buyNowPrice: 999 }, 'must be at least startingPrice'],
    [{ buyNowPrice: 1500, reservePrice: 2000 }, 'must be at least reservePrice'],
    [{ buyNowPrice: 0 }, undefined],
    [{ buyNowPrice: 12.5 }, undefined],
  ])('refuses an auction with %j, naming the field', async (body, message) => {
    const res = await call(t.url, 'POST', '/auctions', {
      token: seller.token,
      body: { title: 'Lamp', currency: 'EUR', startingPrice: 1000, endsAt: inSeconds(3600), ...body },
    });
    expect(res.status).toBe(400);
    const errors = res.body.errors as Array<{ field: string; message: string }>;
    expect(errors.map((e) => e.field)).toContain('body.buyNowPrice');
    if (message) expect(errors.find((e) => e.field === 'body.buyNowPrice')!.message).toBe(message);
  });

  it('a buy and bids at the same moment: exactly one kind wins, and the replies match the log', async () => {
    for (let round = 0; round < 5; round++) {
      const auctionId = await createAuction(t.url, seller.token, { buyNowPrice: 5000 });
      const [buy, ...bids] = await Promise.all([
        buyNow(auctionId, ann.token),
        ...[1000, 1100, 1200].map((amount) =>
          call(t.url, 'POST', `/auctions/${auctionId}/bids`, { token: bob.token, body: { amount } }),
        ),
      ]);
      const log = await types(auctionId);
      if (buy!.status === 200) {
        expect(log).toEqual(['AuctionCreated', 'AuctionBoughtNow', 'AuctionClosed']);
        expect(bids.map((b) => b.body.code)).toEqual([
          'AUCTION_NOT_OPEN',
          'AUCTION_NOT_OPEN',
          'AUCTION_NOT_OPEN',
        ]);
      } else {
        expect(buy!.body.code).toBe('BUY_NOW_UNAVAILABLE');
        expect(log).not.toContain('AuctionBoughtNow');
        expect(log.filter((type) => type === 'BidPlaced').length).toBe(
          bids.filter((b) => b.status === 201).length,
        );
      }
    }
  });

  it('a lot is bought like an auction, and its sale records it sold', async () => {
    const startsAt = Date.now() + 1500; // lots are added until the sale starts
    const sale = await call(t.url, 'POST', '/sales', {
      token: seller.token,
      body: {
        title: 'Sale',
        currency: 'EUR',
        startsAt: new Date(startsAt).toISOString(),
        firstLotEndsAt: inSeconds(600),
        lotGapSeconds: 60,
      },
    });
    const saleId = sale.body.saleId as string;
    const lot = await call(t.url, 'POST', `/sales/${saleId}/lots`, {
      token: seller.token,
      body: { title: 'Clock', startingPrice: 1000, buyNowPrice: 4000 },
    });
    expect(lot.status).toBe(201);
    const bad = await call(t.url, 'POST', `/sales/${saleId}/lots`, {
      token: seller.token,
      body: { title: 'Clock', startingPrice: 1000, reservePrice: 3000, buyNowPrice: 2000 },
    });
    expect([bad.status, (bad.body.errors as Array<{ field: string }>)[0]!.field]).toEqual([
      400,
      'body.buyNowPrice',
    ]);
    const auctionId = lot.body.auctionId as string;
    await new Promise((r) => setTimeout(r, startsAt + 50 - Date.now()));
    const bought = await buyNow(auctionId, ann.token);
    expect(bought.body).toMatchObject({ outcome: 'sold', finalPrice: 4000, winnerId: ann.userId });
    await waitUntil(
      async () =>
        (await t.app.eventStore.readStream(saleStreamId(saleId))).some(
          (e) => e.type === 'LotClosed' && (e.data as { outcome: string }).outcome === 'sold',
        ),
      10_000,
      'the sale records the lot sold',
    );
  });
});
