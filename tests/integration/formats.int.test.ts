/**
 * The formats over HTTP and WebSocket against the real stores (api.md, "Formats"):
 * - sealed bids: until the close nobody else (the seller included) learns an amount or a bidder
 *   from the view, the bids list, a bid's URL, /me/bids, a frame, an error or the bid reply;
 *   the close (by the scheduler, on time) picks the winner and price and then shows every bid;
 * - Dutch: the price falls with the server's clock, the first bid at or above it wins at that
 *   price and closes at once, two buyers at the same instant: exactly one wins.
 */
import { randomUUID } from 'node:crypto';
import { auctionStreamId } from '../../src/auction';
import { getTokenIssuer } from '../../src/auth';
import { waitUntil } from '../support/readModelSnapshot';
import { call, inSeconds, registerUser, startTestApp, TEST_JWT_SECRET } from '../support/testApp';
import { connectWs } from '../support/wsClient';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
type User = Awaited<ReturnType<typeof registerUser>>;

describe('formats', () => {
  let t: TestApp;
  let seller: User;
  let ann: User;
  let bob: User;
  let eve: User;

  beforeAll(async () => {
    t = await startTestApp({ label: 'formats' });
    [seller, ann, bob, eve] = await Promise.all([
      registerUser(t.url, 'seller'),
      registerUser(t.url, 'ann'),
      registerUser(t.url, 'bob'),
      registerUser(t.url, 'eve'),
    ]);
  });
  afterAll(() => t.stop());

  const create = async (body: Record<string, unknown>) => {
    const res = await call(t.url, 'POST', '/auctions', {
      token: seller.token,
      body: { title: 'Vase', currency: 'EUR', startingPrice: 1000, endsAt: inSeconds(3600), ...body },
    });
    expect(res.status).toBe(201);
    return res.body as { auctionId: string; position: string };
  };
  const bid = (auctionId: string, user: User, amount: number, extra: object = {}) =>
    call(t.url, 'POST', `/auctions/${auctionId}/bids`, { token: user.token, body: { amount, ...extra } });
  const view = (auctionId: string, user?: User, position?: string) =>
    call(t.url, 'GET', `/auctions/${auctionId}`, {
      token: user?.token,
      headers: position ? { 'X-Min-Position': position } : {},
    });

  it('sealed: nothing of any bid shows to anyone else before the close, and everything after', async () => {
    const { auctionId, position } = await create({
      format: 'sealed_second_price',
      reservePrice: 1200,
      endsAt: inSeconds(6),
    });
    const watcher = await connectWs(t.url);
    watcher.send({ type: 'subscribe', auctionId });
    await watcher.until((m) => m.some((x) => x.type === 'subscribed'));
    expect((await view(auctionId, undefined, position)).body).toMatchObject({
      format: 'sealed_second_price',
    });

    const first = await bid(auctionId, ann, 1500);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      amount: 1500,
      status: 'sealed',
      currentPrice: 1000,
      leadingBidderId: null,
    });
    expect((await bid(auctionId, ann, 1400)).body).toMatchObject({ code: 'BID_TOO_LOW' });
    expect((await bid(auctionId, bob, 1500, { maxAmount: 3000 })).body).toMatchObject({
      code: 'PROXY_NOT_ALLOWED',
    });
    const tooLow = await bid(auctionId, bob, 999);
    expect(tooLow.body).toMatchObject({ code: 'BID_TOO_LOW', minimumBid: 1000 });
    const second = await bid(auctionId, bob, 2500);
    expect(second.status).toBe(201);
    const raised = await bid(auctionId, ann, 2000);
    expect(raised.status).toBe(201);

    // The amounts as JSON numbers (not digits inside an id or a log position, which grow).
    const secrets = /[:[,]\s*(1500|2000|2500)\s*[,}\]]/;
    for (const viewer of [undefined, seller, ann, bob, eve]) {
      const seen = await view(auctionId, viewer, raised.body.position as string);
      expect(seen.body).toMatchObject({
        currentPrice: 1000,
        leadingBidderId: null,
        reserveMet: null,
        bidCount: 3,
      });
      expect(JSON.stringify(seen.body)).not.toMatch(secrets);
      expect(JSON.stringify(seen.body)).not.toContain(ann.userId);
      expect(JSON.stringify(seen.body)).not.toContain(bob.userId);
    }
    // The ETag is the same for a bidder, a non-bidder and nobody: it does not tell who bid.
    const tags = await Promise.all(
      [undefined, ann, bob, eve].map(async (viewer) => {
        const res = await fetch(`${t.url}/auctions/${auctionId}`, {
          headers: {
            'X-Min-Position': raised.body.position as string,
            ...(viewer ? { authorization: `Bearer ${viewer.token}` } : {}),
          },
        });
        return res.headers.get('etag');
      }),
    );
    expect(new Set(tags).size).toBe(1);
    const list = await call(t.url, 'GET', `/auctions/${auctionId}/bids`);
    expect(list.body).toEqual({ items: [], nextCursor: null });
    const one = await call(t.url, 'GET', `/auctions/${auctionId}/bids/${second.body.bidId as string}`);
    expect(one.status).toBe(404);
    const mine = await call(t.url, 'GET', '/me/bids', { token: ann.token });
    const item = (mine.body.items as Array<Record<string, unknown>>).find((i) => i.auctionId === auctionId);
    expect(item).toMatchObject({ state: 'sealed', currentPrice: 1000 });
    // Analysts too: the stream and the log export say a sealed bid was placed, not by whom or how much.
    const analyst = getTokenIssuer(TEST_JWT_SECRET, 600).issue({ sub: randomUUID(), roles: ['analyst'] });
    const stream = await call(t.url, 'GET', `/auctions/${auctionId}/events`, { token: analyst });
    const sealedEvents = (stream.body.items as Array<{ type: string; data: object }>).filter(
      (e) => e.type === 'SealedBidPlaced',
    );
    expect(sealedEvents).toHaveLength(3);
    for (const e of sealedEvents) expect(Object.keys(e.data).sort()).toEqual(['bidId', 'placedAt']);
    const exported = await fetch(`${t.url}/events?types=SealedBidPlaced`, {
      headers: { authorization: `Bearer ${analyst}` },
    });
    const lines = (await exported.text()).trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.join('\n')).not.toMatch(secrets);
    expect(lines.join('\n')).not.toContain(bob.userId);

    // Frames: only public events (an ending-soon notice), nothing of a bid, not even its count.
    const early = watcher.messages.filter((m) => m.type === 'auction.event');
    expect(early.map((m) => m.event?.type).filter((type) => type !== 'AuctionEndingSoon')).toEqual([]);
    expect(JSON.stringify(early)).not.toMatch(secrets);
    expect(JSON.stringify(early)).not.toContain(ann.userId);

    // The scheduler closes it on time: bob wins, pays ann's 2000 (the second-highest distinct bidder).
    await waitUntil(async () => (await view(auctionId)).body.status === 'closed', 20_000, 'the close');
    const closed = (await view(auctionId)).body;
    expect(closed).toMatchObject({
      outcome: 'sold',
      winnerId: bob.userId,
      finalPrice: 2000,
      currentPrice: 2000,
      leadingBidderId: bob.userId,
      reserveMet: true,
    });
    const revealed = await call(t.url, 'GET', `/auctions/${auctionId}/bids`);
    expect((revealed.body.items as Array<{ amount: number }>).map((b) => b.amount).sort()).toEqual([
      1500, 2000, 2500,
    ]);
    await watcher.until((m) =>
      m.some((x) => x.type === 'auction.event' && x.event?.type === 'AuctionClosed'),
    );
    const frames = watcher.messages.filter((m) => m.type === 'auction.event');
    expect(frames.map((m) => m.event?.type).filter((type) => type !== 'AuctionEndingSoon')).toEqual([
      'AuctionClosed',
    ]);
    watcher.close();
    const streamAfter = await call(t.url, 'GET', `/auctions/${auctionId}/events`, { token: analyst });
    expect(
      (streamAfter.body.items as Array<{ type: string; data: { amount?: number } }>)
        .filter((e) => e.type === 'SealedBidPlaced')
        .map((e) => e.data.amount),
    ).toEqual([1500, 2500, 2000]);
    // Notifications: nobody was told "outbid" (ann's 2000 was below bob's 2500 all along); at the
    // close, bob won and ann lost.
    const kinds = async (user: User) =>
      (
        (await call(t.url, 'GET', '/me/notifications', { token: user.token })).body.items as Array<{
          kind: string;
          auctionId: string;
        }>
      )
        .filter((n) => n.auctionId === auctionId)
        .map((n) => n.kind);
    await waitUntil(async () => (await kinds(ann)).includes('lost'), 10_000, "ann's lost notification");
    expect(await kinds(ann)).not.toContain('outbid');
    expect(await kinds(bob)).toContain('won');
    const won = await call(t.url, 'GET', '/me/bids', { token: bob.token });
    expect(
      (won.body.items as Array<Record<string, unknown>>).find((i) => i.auctionId === auctionId),
    ).toMatchObject({
      state: 'won',
    });
  });

  it('sealed first price: the highest pays their own amount', async () => {
    const { auctionId } = await create({ format: 'sealed_first_price', endsAt: inSeconds(4) });
    expect((await bid(auctionId, ann, 1700)).status).toBe(201);
    expect((await bid(auctionId, bob, 1600)).status).toBe(201);
    await waitUntil(async () => (await view(auctionId)).body.status === 'closed', 20_000, 'the close');
    expect((await view(auctionId)).body).toMatchObject({
      outcome: 'sold',
      winnerId: ann.userId,
      finalPrice: 1700,
    });
  });

  it('Dutch: the price falls with the clock; the first bid at it wins at once; the second finds it closed', async () => {
    const startsAt = new Date(Date.now() - 2500).toISOString();
    const dutch = { floorPrice: 500, dropAmount: 100, dropEverySeconds: 1 };
    const { auctionId, position } = await create({ format: 'dutch', startingPrice: 2000, startsAt, dutch });
    const priceAt = (ms: number) =>
      Math.max(500, 2000 - 100 * Math.floor((ms - Date.parse(startsAt)) / 1000));
    const asked = Date.now();
    const seen = (await view(auctionId, undefined, position)).body;
    const answered = Date.now();
    expect(seen).toMatchObject({ format: 'dutch', dutch, status: 'open' });
    // The price at the server's instant of the reply: between the prices at the ask and the answer.
    expect(seen.currentPrice).toBeLessThanOrEqual(priceAt(asked));
    expect(seen.currentPrice).toBeGreaterThanOrEqual(priceAt(answered));
    expect(seen.currentPrice).toBeLessThanOrEqual(1800);
    expect(seen.currentPrice).toBe(seen.minimumBid);
    expect((await bid(auctionId, ann, 100)).body).toMatchObject({ code: 'BID_TOO_LOW' });

    const [a, b] = await Promise.all([bid(auctionId, ann, 2000), bid(auctionId, bob, 2000)]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([201, 422]);
    const winner = a.status === 201 ? a : b;
    const loser = a.status === 201 ? b : a;
    expect(loser.body).toMatchObject({ code: 'AUCTION_NOT_OPEN' });
    expect(winner.body).toMatchObject({ status: 'won' });
    const price = winner.body.amount as number;
    expect(price).toBeLessThan(2000);
    const log = await t.app.eventStore.readStream(auctionStreamId(auctionId));
    const decided = log.filter((e) => e.type === 'BidPlaced' || e.type === 'AuctionClosed');
    expect(decided.map((e) => e.type)).toEqual(['BidPlaced', 'AuctionClosed']);
    const placedAt = Date.parse((decided[0]!.data as { placedAt: string }).placedAt);
    expect(price).toBe(Math.max(500, 2000 - 100 * Math.floor((placedAt - Date.parse(startsAt)) / 1000)));
    const after = (await view(auctionId, undefined, winner.body.position as string)).body;
    expect(after).toMatchObject({ status: 'closed', outcome: 'sold', finalPrice: price });
  });

  it('Dutch: nobody at the floor by its end: closed with no_bids by the scheduler', async () => {
    const dutch = { floorPrice: 800, dropAmount: 100, dropEverySeconds: 1 };
    const { auctionId, position } = await create({ format: 'dutch', startingPrice: 1000, dutch });
    // 1000 -> 800 in 2 drops; the floor is offered for one more second, then it ends.
    const created = (await view(auctionId, undefined, position)).body;
    expect(Date.parse(created.endsAt as string) - Date.parse(created.startsAt as string)).toBe(3000);
    await waitUntil(async () => (await view(auctionId)).body.status === 'closed', 20_000, 'the close');
    expect((await view(auctionId)).body).toMatchObject({ outcome: 'no_bids', winnerId: null });
  });

  it('lots of a sale in a format: a sealed lot and a Dutch lot, in the sale of English ones', async () => {
    const startsAt = Date.now() + 1500; // lots are added until the sale starts
    const sale = await call(t.url, 'POST', '/sales', {
      token: seller.token,
      body: {
        title: 'Mixed sale',
        currency: 'EUR',
        startsAt: new Date(startsAt).toISOString(),
        firstLotEndsAt: inSeconds(600),
        lotGapSeconds: 60,
        softClose: { windowSeconds: 60, extensionSeconds: 60 },
      },
    });
    expect(sale.status).toBe(201);
    const saleId = sale.body.saleId as string;
    const addLot = (body: object) =>
      call(t.url, 'POST', `/sales/${saleId}/lots`, {
        token: seller.token,
        body: { startingPrice: 1000, ...body },
      });
    const sealedLot = await addLot({ title: 'Letter', format: 'sealed_second_price' });
    const dutch = { floorPrice: 100, dropAmount: 100, dropEverySeconds: 60 };
    const dutchLot = await addLot({ title: 'Roses', format: 'dutch', dutch });
    expect([sealedLot.status, dutchLot.status]).toEqual([201, 201]);
    expect((await addLot({ title: 'x', format: 'dutch' })).status).toBe(400);
    expect((await addLot({ title: 'x', format: 'sealed_first_price', buyNowPrice: 5000 })).status).toBe(400);

    const sealedView = (
      await view(sealedLot.body.auctionId as string, undefined, sealedLot.body.position as string)
    ).body;
    expect(sealedView).toMatchObject({ format: 'sealed_second_price', saleId, lotNumber: 1 });
    const dutchView = (await view(dutchLot.body.auctionId as string)).body;
    expect(dutchView).toMatchObject({ format: 'dutch', dutch, lotNumber: 2 });
    // A Dutch lot keeps the end its sale planned: lots close in turn.
    expect(Date.parse(dutchView.endsAt as string) - Date.parse(sealedView.endsAt as string)).toBe(60_000);

    await new Promise((r) => setTimeout(r, startsAt + 50 - Date.now()));
    const sealedBid = await bid(sealedLot.body.auctionId as string, ann, 1500);
    expect(sealedBid.body).toMatchObject({ status: 'sealed', leadingBidderId: null });
    const after = (await view(sealedLot.body.auctionId as string, eve, sealedBid.body.position as string))
      .body;
    expect(after).toMatchObject({ currentPrice: 1000, leadingBidderId: null, bidCount: 1 });
    const taken = await bid(dutchLot.body.auctionId as string, bob, 1000);
    expect(taken.body).toMatchObject({ status: 'won', amount: 1000 });
  });

  it('the terms each format takes are checked (400, as every refused term of an auction)', async () => {
    const refused = async (body: object) =>
      (
        await call(t.url, 'POST', '/auctions', {
          token: seller.token,
          body: { title: 'Vase', currency: 'EUR', startingPrice: 1000, endsAt: inSeconds(3600), ...body },
        })
      ).status;
    expect(await refused({ format: 'dutch' })).toBe(400);
    expect(await refused({ dutch: { floorPrice: 1, dropAmount: 1, dropEverySeconds: 1 } })).toBe(400);
    expect(await refused({ format: 'auction' })).toBe(400);
    expect(
      await refused({ format: 'dutch', dutch: { floorPrice: 2000, dropAmount: 1, dropEverySeconds: 1 } }),
    ).toBe(400);
    expect(await refused({ format: 'sealed_first_price', buyNowPrice: 5000 })).toBe(400);
    expect(
      await refused({ format: 'sealed_first_price', softClose: { windowSeconds: 60, extensionSeconds: 60 } }),
    ).toBe(400);
  });
});
