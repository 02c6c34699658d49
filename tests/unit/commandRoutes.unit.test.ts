/**
 * Every HTTP command route, specified given/when/then over the in-memory event store: the reply
 * a client gets and the events the log gets (none, for a refusal). No service is needed.
 */
import { auctionStreamId } from '../../src/auction';
import { userStreamId } from '../../src/watching';
import { at, auctionCreated, iso } from '../support/auctionFixtures';
import { commandRoutesSpec } from '../support/commandRoutesSpec';

const A = '0190e0a0-0000-7000-8000-000000000001';
const SELLER = '0190e0a0-0000-7000-8000-0000000000aa';
const ALICE = '0190e0a0-0000-7000-8000-0000000000b1';
const BOB = '0190e0a0-0000-7000-8000-0000000000b2';
const created = auctionCreated({ auctionId: A, sellerId: SELLER, startsAt: iso(0), endsAt: iso(3600) });
const placed = (bidderId: string, amount: number, extra: object = {}) => ({
  type: 'BidPlaced',
  data: {
    bidId: expect.any(String),
    bidderId,
    amount,
    maxAmount: amount,
    auto: false,
    placedAt: iso(60),
    ...extra,
  },
});

describe('POST /auctions', () => {
  const body = { title: 'Brass lamp', currency: 'EUR', startingPrice: 1000, endsAt: iso(3600) };
  it('records AuctionCreated and answers 201 with its Location', async () => {
    const spec = commandRoutesSpec({ now: at(60) });
    const {
      status,
      body: reply,
      headers,
      events,
    } = await spec.when('post', '/auctions', { as: SELLER, body });
    expect(status).toBe(201);
    expect(headers.location).toBe(`/auctions/${reply.auctionId as string}`);
    expect(events).toEqual([
      {
        stream: auctionStreamId(reply.auctionId as string),
        type: 'AuctionCreated',
        data: expect.objectContaining({
          sellerId: SELLER,
          title: 'Brass lamp',
          startingPrice: 1000,
          endsAt: iso(3600),
        }),
      },
    ]);
  });
  it.each([
    ['an end before the start', { startsAt: iso(7200) }, 'body.endsAt'],
    ['an end in the past', { endsAt: iso(30) }, 'body.endsAt'],
    ['a reserve below the starting price', { reservePrice: 10 }, 'body.reservePrice'],
    ['a lone surrogate in the title', { title: 'bad \ud800' }, 'body.title'],
  ])('refuses %s with a 400 naming the field, and records nothing', async (_name, change, field) => {
    const spec = commandRoutesSpec({ now: at(60) });
    const {
      status,
      body: reply,
      events,
    } = await spec.when('post', '/auctions', { as: SELLER, body: { ...body, ...change } });
    expect([status, reply.code, events]).toEqual([400, 'VALIDATION_FAILED', []]);
    expect(reply.errors).toEqual([expect.objectContaining({ field })]);
  });
  it('refuses an anonymous request with a 401 and its challenge', async () => {
    const { status, headers, events } = await commandRoutesSpec({ now: at(60) }).when('post', '/auctions', {
      body,
    });
    expect([status, headers['www-authenticate'], events]).toEqual([401, 'Bearer realm="live-auctions"', []]);
  });
});

describe('POST /auctions/:id/bids', () => {
  const given = async () => {
    const spec = commandRoutesSpec({ now: at(60) });
    await spec.given({ [auctionStreamId(A)]: [created] });
    return spec;
  };
  it('records BidPlaced and answers 201 leading', async () => {
    const spec = await given();
    const { status, body, events } = await spec.when('post', `/auctions/${A}/bids`, {
      as: ALICE,
      body: { amount: 1000 },
    });
    expect([status, body.status, body.currentPrice]).toEqual([201, 'leading', 1000]);
    expect(events).toEqual([{ stream: auctionStreamId(A), ...placed(ALICE, 1000) }]);
  });
  it('answers a proxy outbid: the standing ceiling bids back at once', async () => {
    const spec = await given();
    await spec.when('post', `/auctions/${A}/bids`, { as: ALICE, body: { amount: 1000, maxAmount: 5000 } });
    const { status, body, events } = await spec.when('post', `/auctions/${A}/bids`, {
      as: BOB,
      body: { amount: 2000 },
    });
    expect([status, body.status, body.currentPrice]).toEqual([201, 'outbid', 2100]);
    expect(events.map((e) => e.data)).toEqual([
      placed(BOB, 2000).data,
      placed(ALICE, 2100, { auto: true, maxAmount: 5000 }).data,
    ]);
  });
  it.each([
    ['too low', ALICE, { amount: 999 }, 422, 'BID_TOO_LOW'],
    ['by the seller', SELLER, { amount: 1000 }, 422, 'SELLER_CANNOT_BID'],
    ['with a ceiling below the amount', ALICE, { amount: 1000, maxAmount: 10 }, 400, 'VALIDATION_FAILED'],
  ])('refuses a bid %s, and records nothing', async (_name, as, body, status, code) => {
    const reply = await (await given()).when('post', `/auctions/${A}/bids`, { as, body });
    expect([reply.status, reply.body.code, reply.events]).toEqual([status, code, []]);
  });
  it('answers 404 for an auction the log does not hold', async () => {
    const reply = await (
      await given()
    ).when('post', `/auctions/${ALICE}/bids`, { as: BOB, body: { amount: 1000 } });
    expect([reply.status, reply.body.code, reply.events]).toEqual([404, 'AUCTION_NOT_FOUND', []]);
  });
  it('replays a repeated Idempotency-Key with the first reply and records nothing more', async () => {
    const spec = await given();
    const bid = { as: ALICE, body: { amount: 1000 }, headers: { 'Idempotency-Key': 'k-1' } };
    const first = await spec.when('post', `/auctions/${A}/bids`, bid);
    const again = await spec.when('post', `/auctions/${A}/bids`, bid);
    expect([again.status, again.body, again.headers['idempotent-replayed'], again.events]).toEqual([
      201,
      first.body,
      'true',
      [],
    ]);
    const other = await spec.when('post', `/auctions/${A}/bids`, { ...bid, body: { amount: 1200 } });
    expect([other.status, other.body.code, other.events]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED', []]);
  });
});

describe('POST /auctions/:id/cancel', () => {
  it('records AuctionCancelled for the seller while there are no bids', async () => {
    const spec = commandRoutesSpec({ now: at(60) });
    await spec.given({ [auctionStreamId(A)]: [created] });
    const { status, events } = await spec.when('post', `/auctions/${A}/cancel`, {
      as: SELLER,
      body: { reason: 'withdrawn' },
    });
    expect(status).toBe(200);
    expect(events).toEqual([
      {
        stream: auctionStreamId(A),
        type: 'AuctionCancelled',
        data: expect.objectContaining({ reason: 'withdrawn' }),
      },
    ]);
  });
  it.each([
    ['by someone else', ALICE, [created], 403, 'NOT_SELLER'],
    ['once there are bids', SELLER, [created, placed(ALICE, 1000)], 422, 'AUCTION_HAS_BIDS'],
  ])('refuses a cancel %s, and records nothing', async (_name, as, history, status, code) => {
    const spec = commandRoutesSpec({ now: at(60) });
    await spec.given({
      [auctionStreamId(A)]: history.map((e) => ({ ...e, data: { ...e.data, bidId: 'b1' } })),
    });
    const reply = await spec.when('post', `/auctions/${A}/cancel`, { as, body: {} });
    expect([reply.status, reply.body.code, reply.events]).toEqual([status, code, []]);
  });
});

describe('PUT and DELETE /me/watchlist/:auctionId', () => {
  it("records a watch in the caller's stream once, and an unwatch once", async () => {
    const spec = commandRoutesSpec({ now: at(60) });
    await spec.given({ [auctionStreamId(A)]: [created] });
    const watch = await spec.when('put', `/me/watchlist/${A}`, { as: ALICE });
    expect([watch.status, watch.events]).toEqual([
      204,
      [{ stream: userStreamId(ALICE), type: 'AuctionWatched', data: { auctionId: A, watchedAt: iso(60) } }],
    ]);
    expect(watch.headers['x-event-position']).toEqual(expect.any(String));
    expect((await spec.when('put', `/me/watchlist/${A}`, { as: ALICE })).events).toEqual([]);
    const unwatch = await spec.when('delete', `/me/watchlist/${A}`, { as: ALICE });
    expect(unwatch.events).toEqual([
      { stream: userStreamId(ALICE), type: 'AuctionUnwatched', data: { auctionId: A, unwatchedAt: iso(60) } },
    ]);
    expect((await spec.when('delete', `/me/watchlist/${A}`, { as: ALICE })).events).toEqual([]);
  });
  it('answers 404 for an auction the log does not hold, and records nothing', async () => {
    const reply = await commandRoutesSpec({ now: at(60) }).when('put', `/me/watchlist/${A}`, { as: ALICE });
    expect([reply.status, reply.body.code, reply.events]).toEqual([404, 'AUCTION_NOT_FOUND', []]);
  });
});

describe('POST /sales, /sales/:id/lots and /sales/:id/cancel', () => {
  const S = '0190e0a0-0000-7000-8000-00000000000c';
  const saleCreated = {
    type: 'SaleCreated',
    data: {
      saleId: S,
      sellerId: SELLER,
      title: 'Autumn sale',
      description: '',
      currency: 'EUR',
      startsAt: iso(600),
      firstLotEndsAt: iso(3600),
      lotGapSeconds: 60,
      softClose: null,
      increments: [{ from: 0, increment: 50 }],
      buyersPremiumPercent: 0,
      requiresApproval: false,
      mode: 'timed',
      createdAt: iso(0),
    },
  };

  it('records SaleCreated with the defaults, and answers 201 with its Location', async () => {
    const spec = commandRoutesSpec({ now: at(60) });
    const body = { title: 'Autumn sale', currency: 'EUR', startsAt: iso(600), firstLotEndsAt: iso(3600) };
    const reply = await spec.when('post', '/sales', { as: SELLER, body });
    expect(reply.status).toBe(201);
    expect(reply.headers.location).toBe(`/sales/${reply.body.saleId as string}`);
    expect(reply.events).toEqual([
      {
        stream: `sale-${reply.body.saleId as string}`,
        type: 'SaleCreated',
        data: expect.objectContaining({
          lotGapSeconds: 60,
          increments: null,
          mode: 'timed',
          createdAt: iso(60),
        }),
      },
    ]);
  });

  it("adds lot 1: LotAdded in the sale's stream, then the lot's auction with the sale's terms", async () => {
    const spec = commandRoutesSpec({ now: at(60) });
    await spec.given({ [`sale-${S}`]: [saleCreated] });
    const reply = await spec.when('post', `/sales/${S}/lots`, {
      as: SELLER,
      body: { title: 'Clock', startingPrice: 500 },
    });
    expect(reply.status).toBe(201);
    const auctionId = reply.body.auctionId as string;
    expect(reply.body).toMatchObject({ saleId: S, lotNumber: 1, endsAt: iso(3600), revision: 1 });
    expect(reply.events.map((e) => [e.stream, e.type])).toEqual([
      [`sale-${S}`, 'LotAdded'],
      [auctionStreamId(auctionId), 'AuctionCreated'],
    ]);
    expect(reply.events[1]!.data).toMatchObject({
      saleId: S,
      lotNumber: 1,
      currency: 'EUR',
      startsAt: iso(600),
      endsAt: iso(3600),
      increments: [{ from: 0, increment: 50 }],
      minIncrement: null,
      createdAt: iso(60),
    });
  });

  it.each([
    [BOB, 60, 403, 'NOT_SELLER'],
    [SELLER, 600, 422, 'SALE_STARTED'],
  ])('refuses a lot from %s at %ss with %s %s, recording nothing', async (as, seconds, status, code) => {
    const spec = commandRoutesSpec({ now: at(seconds) });
    await spec.given({ [`sale-${S}`]: [saleCreated] });
    const reply = await spec.when('post', `/sales/${S}/lots`, {
      as,
      body: { title: 'Clock', startingPrice: 500 },
    });
    expect([reply.status, reply.body.code, reply.events]).toEqual([status, code, []]);
  });

  it('cancels once; a second cancel records nothing', async () => {
    const spec = commandRoutesSpec({ now: at(60) });
    await spec.given({ [`sale-${S}`]: [saleCreated] });
    const first = await spec.when('post', `/sales/${S}/cancel`, {
      as: SELLER,
      body: { reason: 'Withdrawn' },
    });
    expect([first.status, first.events]).toEqual([
      200,
      [{ stream: `sale-${S}`, type: 'SaleCancelled', data: { reason: 'Withdrawn', cancelledAt: iso(60) } }],
    ]);
    expect((await spec.when('post', `/sales/${S}/cancel`, { as: SELLER, body: {} })).events).toEqual([]);
    const none = await spec.when('post', `/sales/${A}/cancel`, { as: SELLER, body: {} });
    expect([none.status, none.body.code]).toEqual([404, 'SALE_NOT_FOUND']);
  });
});
