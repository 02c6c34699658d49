/**
 * The sale's decider, given/when/then: lots numbered in turn with their planned ends, only by the
 * seller and only until the start; cancelling; each lot's end recorded once, the last closing the
 * sale with its figures. And the lot's side: PushLot keeps the gap, once.
 */
import { auctionDecider, evolveAll, type Auction } from '../../src/auction';
import { evolveSaleAll, saleDecider, toSaleView, type SaleEvent } from '../../src/sales';
import { at, auctionCreated, iso } from '../support/auctionFixtures';
import { deciderSpec } from '../support/deciderSpec';

const given = deciderSpec(saleDecider);
const created: SaleEvent = {
  type: 'SaleCreated',
  data: {
    saleId: 's1',
    sellerId: 'seller',
    title: 'Autumn sale',
    description: '',
    currency: 'EUR',
    startsAt: iso(600),
    firstLotEndsAt: iso(3600),
    lotGapSeconds: 30,
    softClose: { windowSeconds: 60, extensionSeconds: 120 },
    increments: null,
    buyersPremiumPercent: 20,
    requiresApproval: false,
    mode: 'timed',
    createdAt: iso(0),
  },
};
const lotAdded = (n: number, auctionId = `lot${n}`): SaleEvent => ({
  type: 'LotAdded',
  data: {
    lotNumber: n,
    auctionId,
    title: `Lot ${n}`,
    description: '',
    startingPrice: 1000,
    reservePrice: null,
    endsAt: iso(3600 + (n - 1) * 30),
    addedAt: iso(10),
  },
});
const addLot = (auctionId: string, seconds = 10, userId = 'seller', idempotencyKey?: string) => ({
  type: 'AddLot' as const,
  data: {
    userId,
    auctionId,
    title: `Lot ${auctionId.replace('lot', '')}`,
    description: '',
    startingPrice: 1000,
    reservePrice: null,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  },
  now: at(seconds),
});
const lotClosed = (
  auctionId: string,
  outcome: 'sold' | 'no_bids' | 'cancelled',
  finalPrice: number | null,
) => ({
  type: 'RecordLotClosed' as const,
  data: { auctionId, outcome, finalPrice, closedAt: iso(4000) },
  now: at(4000),
});

describe('a sale', () => {
  it('is created once, with a first end after its start and in the future, and a valid table', () => {
    const create = (over: object) => ({
      type: 'CreateSale' as const,
      data: { ...(created.data as object), ...over } as never,
      now: at(0),
    });
    given([]).when(create({})).then([created]);
    given([created]).when(create({})).thenRefuses('SALE_ALREADY_EXISTS');
    given([])
      .when(create({ firstLotEndsAt: iso(600) }))
      .thenRefuses('INVALID_SCHEDULE');
    given([])
      .when(create({ startsAt: iso(-10), firstLotEndsAt: iso(-5) }))
      .thenRefuses('INVALID_SCHEDULE');
    given([])
      .when(create({ increments: [{ from: 10, increment: 5 }] }))
      .thenRefuses('INVALID_SCHEDULE');
  });

  it('numbers its lots in turn, each ending a gap after the one before', () => {
    given([created])
      .when(addLot('lot1'))
      .then([lotAdded(1)]);
    given([created, lotAdded(1), lotAdded(2)])
      .when(addLot('lot3'))
      .then([lotAdded(3)]);
  });

  it('takes lots only from its seller, only until it starts, never when cancelled', () => {
    given([created])
      .when(addLot('x', 10, 'someone'))
      .thenRefuses('NOT_SELLER');
    given([created]).when(addLot('x', 600)).thenRefuses('SALE_STARTED');
    const cancelled: SaleEvent = { type: 'SaleCancelled', data: { reason: null, cancelledAt: iso(20) } };
    given([created, cancelled]).when(addLot('x', 30)).thenRefuses('SALE_CANCELLED');
    given([]).when(addLot('x')).thenRefuses('SALE_NOT_FOUND');
  });

  it('adds nothing for a request it has seen (its idempotency key)', () => {
    const keyed = { ...lotAdded(1), data: { ...lotAdded(1).data, idempotencyKey: 'k1' } } as SaleEvent;
    given([created])
      .when(addLot('lot1', 10, 'seller', 'k1'))
      .then([keyed]);
    given([created, keyed])
      .when(addLot('other', 12, 'seller', 'k1'))
      .then([]);
  });

  it('is cancelled by its seller until it starts; once', () => {
    const cancel = (seconds: number, userId = 'seller') => ({
      type: 'CancelSale' as const,
      data: { userId, reason: 'withdrawn' },
      now: at(seconds),
    });
    const cancelled: SaleEvent = {
      type: 'SaleCancelled',
      data: { reason: 'withdrawn', cancelledAt: iso(20) },
    };
    given([created]).when(cancel(20)).then([cancelled]);
    given([created, cancelled]).when(cancel(30)).then([]);
    given([created]).when(cancel(20, 'bidder')).thenRefuses('NOT_SELLER');
    given([created]).when(cancel(700)).thenRefuses('SALE_STARTED');
  });

  it('records each lot once; the last to end closes it with lots sold and the hammer total', () => {
    const history = [created, lotAdded(1), lotAdded(2)];
    const first: SaleEvent = {
      type: 'LotClosed',
      data: { lotNumber: 1, auctionId: 'lot1', outcome: 'sold', finalPrice: 2500, closedAt: iso(4000) },
    };
    given(history)
      .when(lotClosed('lot1', 'sold', 2500))
      .then([first]);
    given([...history, first])
      .when(lotClosed('lot1', 'sold', 2500))
      .then([]);
    given([...history, first])
      .when(lotClosed('lot2', 'no_bids', null))
      .then([
        {
          type: 'LotClosed',
          data: {
            lotNumber: 2,
            auctionId: 'lot2',
            outcome: 'no_bids',
            finalPrice: null,
            closedAt: iso(4000),
          },
        },
        { type: 'SaleClosed', data: { lotsSold: 1, hammerTotal: 2500, closedAt: iso(4000) } },
      ]);
    given(history)
      .when(lotClosed('elsewhere', 'sold', 1))
      .thenRefuses('LOT_NOT_FOUND');
  });

  it('is seen as scheduled, open, then closed, with its figures', () => {
    const sale = evolveSaleAll([created, lotAdded(1), lotAdded(2)])!;
    expect(toSaleView(sale, 2, at(100).getTime())).toMatchObject({ status: 'scheduled', lotCount: 2 });
    expect(toSaleView(sale, 2, at(700).getTime())).toMatchObject({ status: 'open', lotsSold: 0 });
    const closed = evolveSaleAll(
      [
        {
          type: 'LotClosed',
          data: { lotNumber: 1, auctionId: 'lot1', outcome: 'sold', finalPrice: 2500, closedAt: iso(4000) },
        },
        {
          type: 'LotClosed',
          data: { lotNumber: 2, auctionId: 'lot2', outcome: 'sold', finalPrice: 700, closedAt: iso(4030) },
        },
        { type: 'SaleClosed', data: { lotsSold: 2, hammerTotal: 3200, closedAt: iso(4030) } },
      ],
      sale,
    )!;
    expect(toSaleView(closed, 5, at(5000).getTime())).toMatchObject({
      status: 'closed',
      lotsClosed: 2,
      lotsSold: 2,
      hammerTotal: 3200,
    });
  });
});

describe("a lot's push by the lot before it", () => {
  const lot = auctionCreated({ saleId: 's1', lotNumber: 2, endsAt: iso(3630) });
  const givenLot = deciderSpec(auctionDecider);
  const push = (seconds: number) => ({
    type: 'PushLot' as const,
    data: { endsAt: at(seconds).getTime() },
    now: at(3000),
  });

  it('moves a later end once; an earlier or equal one records nothing', () => {
    givenLot([lot])
      .when(push(3700))
      .then([
        {
          type: 'AuctionExtended',
          data: { endsAt: iso(3700), previousEndsAt: iso(3630), reason: 'previous_lot_extended' },
        },
      ]);
    givenLot([lot]).when(push(3630)).then([]);
    const pushed = evolveAll([lot, ...auctionDecider.decide(push(3700), evolveAll([lot]))]) as Auction;
    expect(pushed.endsAt).toBe(at(3700).getTime());
    givenLot([
      lot,
      {
        type: 'AuctionClosed',
        data: { outcome: 'no_bids', winnerId: null, finalPrice: null, closedAt: iso(3630) },
      },
    ])
      .when(push(3700))
      .then([]);
  });

  it('is refused for a standalone auction', () => {
    givenLot([auctionCreated()]).when(push(3700)).thenRefuses('AUCTION_NOT_OPEN');
  });

  it("creates a lot's auction whose planned end has passed (the process manager, after a crash)", () => {
    const late = {
      type: 'CreateAuction' as const,
      data: { ...(lot.data as object) } as never,
      now: at(4000),
    };
    expect(auctionDecider.decide(late, null)).toHaveLength(1);
  });
});
