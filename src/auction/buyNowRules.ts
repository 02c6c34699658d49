import type { AuctionCreated, AuctionEvent } from './auctionEvents';
import { AuctionRuleError } from './auctionRuleError';
import { isOpenAt, type Auction } from './auctionState';
import { checkEligible, type BidderEligibility } from './eligibility';

export interface BuyNowData {
  /** The request's id, named in the reply (like a bid's). */
  bidId: string;
  buyerId: string;
  /** Whether the buyer may buy here (absent: not checked). */
  eligibility?: BidderEligibility;
}

/** A buy-it-now price below what a bid must reach to win would sell for less than the seller asks. */
export function buyNowPriceError(
  data: Pick<AuctionCreated, 'startingPrice' | 'reservePrice' | 'buyNowPrice'>,
) {
  if (data.buyNowPrice === undefined) return undefined;
  if (data.buyNowPrice < data.startingPrice) return 'must be at least startingPrice';
  if (data.reservePrice !== null && data.buyNowPrice < data.reservePrice)
    return 'must be at least reservePrice';
  return undefined;
}

/**
 * Buy it now: while the auction is open and no bid stands, anyone but the seller buys it at its
 * buy-it-now price, and it closes at once (sold to them). Decided on the stream's state like a
 * bid, so a buy and a bid at the same moment are one after the other: the first wins, the
 * second is refused (BUY_NOW_UNAVAILABLE after a bid; AUCTION_NOT_OPEN after a buy).
 */
export function buyNow(data: BuyNowData, now: Date, auction: Auction): AuctionEvent[] {
  checkEligible(data.eligibility, auction);
  if (!isOpenAt(auction, now.getTime()))
    throw new AuctionRuleError('AUCTION_NOT_OPEN', 'The auction is not open');
  if (data.buyerId === auction.sellerId)
    throw new AuctionRuleError('SELLER_CANNOT_BID', 'Sellers cannot buy their own lot');
  if (auction.buyNowPrice === undefined)
    throw new AuctionRuleError('BUY_NOW_UNAVAILABLE', 'This auction has no buy-it-now price');
  if (auction.bidCount > 0)
    throw new AuctionRuleError('BUY_NOW_UNAVAILABLE', 'Buy it now ends with the first bid');
  const at = now.toISOString();
  const price = auction.buyNowPrice;
  return [
    { type: 'AuctionBoughtNow', data: { bidId: data.bidId, buyerId: data.buyerId, price, boughtAt: at } },
    {
      type: 'AuctionClosed',
      data: { outcome: 'sold', winnerId: data.buyerId, finalPrice: price, closedAt: at },
    },
  ];
}
