/**
 * Buy it now, given/when/then: the buyer wins at the buy-it-now price and the auction closes in
 * the same command, only while it is open and no bid stands; a bid and a buy are one after the
 * other, so exactly one of them wins.
 */
import {
  auctionDecider,
  decide,
  evolveAll,
  toAuctionView,
  type AuctionCommand,
  type AuctionEvent,
} from '../../src/auction';
import { at, auctionCreated, iso } from '../support/auctionFixtures';
import { deciderSpec } from '../support/deciderSpec';

const given = deciderSpec(auctionDecider);
const withBuyNow = auctionCreated({ buyNowPrice: 5000 });
const buy = (buyerId: string, seconds = 60): AuctionCommand => ({
  type: 'BuyNow',
  data: { bidId: `buy-${buyerId}`, buyerId },
  now: at(seconds),
});
const bid = (bidderId: string, amount: number, seconds = 60): AuctionCommand => ({
  type: 'PlaceBid',
  data: { bidId: `bid-${bidderId}`, autoBidId: `auto-${bidderId}`, bidderId, amount },
  now: at(seconds),
});

describe('buy it now', () => {
  it('sells at the buy-it-now price to the buyer and closes at once', () => {
    given([withBuyNow])
      .when(buy('ann', 90))
      .then([
        {
          type: 'AuctionBoughtNow',
          data: { bidId: 'buy-ann', buyerId: 'ann', price: 5000, boughtAt: iso(90) },
        },
        {
          type: 'AuctionClosed',
          data: { outcome: 'sold', winnerId: 'ann', finalPrice: 5000, closedAt: iso(90) },
        },
      ]);
  });

  it('the view shows the price until then, and the sale after', () => {
    const open = evolveAll([withBuyNow])!;
    expect(toAuctionView(open, 0, at(60).getTime())).toMatchObject({ buyNowPrice: 5000, status: 'open' });
    const sold = evolveAll(decide(buy('ann'), open), open)!;
    expect(toAuctionView(sold, 2, at(61).getTime())).toMatchObject({
      status: 'closed',
      outcome: 'sold',
      winnerId: 'ann',
      finalPrice: 5000,
      currentPrice: 5000,
      leadingBidderId: 'ann',
      bidCount: 0,
    });
    expect(toAuctionView(evolveAll([auctionCreated()])!, 0, at(60).getTime()).buyNowPrice).toBeNull();
  });

  it('ends with the first bid: then BUY_NOW_UNAVAILABLE', () => {
    const afterBid: AuctionEvent[] = [withBuyNow, ...decide(bid('bob', 1000), evolveAll([withBuyNow]))];
    given(afterBid).when(buy('ann')).thenRefuses('BUY_NOW_UNAVAILABLE');
  });

  it('after a buy, a bid at the same moment is refused: AUCTION_NOT_OPEN', () => {
    const bought: AuctionEvent[] = [withBuyNow, ...decide(buy('ann'), evolveAll([withBuyNow]))];
    given(bought).when(bid('bob', 9000)).thenRefuses('AUCTION_NOT_OPEN');
    given(bought).when(buy('bob')).thenRefuses('AUCTION_NOT_OPEN');
  });

  it('is refused without a price, to the seller, before the start and after the end', () => {
    given([auctionCreated()]).when(buy('ann')).thenRefuses('BUY_NOW_UNAVAILABLE');
    given([withBuyNow]).when(buy('seller')).thenRefuses('SELLER_CANNOT_BID');
    given([auctionCreated({ buyNowPrice: 5000, startsAt: iso(600) })])
      .when(buy('ann'))
      .thenRefuses('AUCTION_NOT_OPEN');
    given([withBuyNow]).when(buy('ann', 3600)).thenRefuses('AUCTION_NOT_OPEN');
  });

  it('a price below the starting price or the reserve is refused at creation, naming the field', () => {
    const create = (buyNowPrice: number, reservePrice: number | null = null): AuctionCommand => {
      const { createdAt: _, ...data } = auctionCreated({ buyNowPrice, reservePrice }).data as Extract<
        AuctionEvent,
        { type: 'AuctionCreated' }
      >['data'];
      return { type: 'CreateAuction', data, now: at(0) };
    };
    expect(() => decide(create(999), null)).toThrow(
      expect.objectContaining({
        code: 'INVALID_SCHEDULE',
        details: { field: 'buyNowPrice', message: 'must be at least startingPrice' },
      }) as Error,
    );
    expect(() => decide(create(4000, 4500), null)).toThrow(
      expect.objectContaining({
        details: { field: 'buyNowPrice', message: 'must be at least reservePrice' },
      }) as Error,
    );
    expect(decide(create(4500, 4500), null)).toHaveLength(1);
  });
});
