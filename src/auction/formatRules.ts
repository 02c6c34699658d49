import type { AuctionClosed, AuctionCreated, AuctionEvent } from './auctionEvents';
import { AuctionRuleError } from './auctionRuleError';
import { isOpenAt, type Auction, type SealedBid } from './auctionState';
import { dutchPriceAt, type DutchTerms } from './dutchPrice';

/**
 * The formats other than English (api.md, "Formats"), each a small pure part of the decider:
 * - sealed first / second price: one sealed amount per bidder, raised never lowered, nobody
 *   else sees any of it until the close; the highest wins (the earlier on a tie) and pays their
 *   own amount, or the second-highest distinct bidder's (at least the starting price and reserve);
 * - Dutch: the price falls with time (no event per tick); the first bid at or above it wins at
 *   once, at that price.
 */
export type AuctionFormat = NonNullable<AuctionCreated['format']>;
export type { DutchTerms };
export { dutchPriceAt };

export const formatOf = (auction: Pick<Auction, 'format'>): AuctionFormat => auction.format ?? 'english';
export const isSealed = (auction: Pick<Auction, 'format'>) =>
  auction.format === 'sealed_first_price' || auction.format === 'sealed_second_price';

/** What a format asks of the terms an auction is created with; undefined when they fit. */
export function formatTermsError(
  data: Pick<
    AuctionCreated,
    'format' | 'dutch' | 'buyNowPrice' | 'softClose' | 'startingPrice' | 'reservePrice'
  >,
): { field: string; message: string } | undefined {
  const format = data.format ?? 'english';
  if (format === 'dutch') {
    if (!data.dutch) return { field: 'dutch', message: 'is required for a Dutch auction' };
    if (data.dutch.floorPrice > data.startingPrice)
      return { field: 'dutch.floorPrice', message: 'must be at most startingPrice' };
    if (data.reservePrice !== null)
      return {
        field: 'reservePrice',
        message: 'is not for a Dutch auction: its floorPrice is the least it sells for',
      };
  } else if (data.dutch) return { field: 'dutch', message: 'is only for a Dutch auction' };
  if (format !== 'english' && data.buyNowPrice !== undefined)
    return { field: 'buyNowPrice', message: 'is only for an English auction' };
  if (format !== 'english' && data.softClose)
    return { field: 'softClose', message: 'is only for an English auction' };
  return undefined;
}

/**
 * When a Dutch auction stops: at its end, or once its price has stood at the floor for one
 * drop period (nobody took it at the floor), whichever is sooner.
 */
export function dutchEndsAt(
  data: { startingPrice: number; dutch: DutchTerms },
  startsAt: number,
  endsAt: number,
): number {
  const { floorPrice, dropAmount, dropEverySeconds } = data.dutch;
  const drops = dropAmount === 0 ? Infinity : Math.ceil((data.startingPrice - floorPrice) / dropAmount);
  const atFloor = startsAt + drops * dropEverySeconds * 1000;
  return Math.min(endsAt, atFloor + dropEverySeconds * 1000);
}

/**
 * Where an auction created with these terms ends: a Dutch auction once its floor has been
 * offered for a drop period, if that is sooner; a Dutch lot keeps the end its sale planned (lots
 * close in turn), its floor held until then; every other auction at its `endsAt`.
 */
export function endsAtFor(
  data: Pick<AuctionCreated, 'dutch' | 'saleId' | 'startingPrice'>,
  startsAt: number,
  endsAt: number,
) {
  if (!data.dutch || data.saleId !== undefined) return endsAt;
  return dutchEndsAt({ startingPrice: data.startingPrice, dutch: data.dutch }, startsAt, endsAt);
}

export interface FormatBid {
  bidId: string;
  bidderId: string;
  amount: number;
  maxAmount?: number;
}

function refuseProxy(bid: FormatBid) {
  if (bid.maxAmount !== undefined)
    throw new AuctionRuleError('PROXY_NOT_ALLOWED', 'This format takes no maxAmount: send your amount');
}

/** A sealed bid: at least the starting price, and above the bidder's own earlier one. */
export function placeSealedBid(bid: FormatBid, now: Date, auction: Auction): AuctionEvent[] {
  refuseProxy(bid);
  const own = highestSealedBids(auction).get(bid.bidderId);
  const minimum = own ? own.amount + 1 : auction.startingPrice;
  if (bid.amount < minimum) {
    const message = own
      ? `A sealed bid may be raised, never lowered: yours is ${own.amount}`
      : `The minimum bid is ${minimum}`;
    throw new AuctionRuleError('BID_TOO_LOW', message, { minimumBid: minimum });
  }
  const data = { bidId: bid.bidId, bidderId: bid.bidderId, amount: bid.amount, placedAt: now.toISOString() };
  return [{ type: 'SealedBidPlaced', data }];
}

/** Each bidder's highest sealed bid (the later of two equal ones cannot happen: raises only). */
export function highestSealedBids(auction: Pick<Auction, 'sealedBids'>): Map<string, SealedBid> {
  const highest = new Map<string, SealedBid>();
  for (const bid of auction.sealedBids ?? []) {
    const before = highest.get(bid.bidderId);
    if (!before || bid.amount > before.amount) highest.set(bid.bidderId, bid);
  }
  return highest;
}

/**
 * The sealed bids ranked: the highest amount first, the earlier first on a tie (the time the
 * bidder sent that amount; the log's order when the times are equal).
 */
export function rankSealedBids(auction: Pick<Auction, 'sealedBids'>): SealedBid[] {
  return [...highestSealedBids(auction).values()].sort(
    (a, b) => b.amount - a.amount || a.placedAt - b.placedAt || a.revision - b.revision,
  );
}

/** The close of a sealed auction: the winner and the price the format charges. */
export function sealedClosing(auction: Auction, closedAt: string): AuctionClosed {
  const [first, second] = rankSealedBids(auction);
  if (!first) return { outcome: 'no_bids', winnerId: null, finalPrice: null, closedAt };
  const reserve = auction.reservePrice ?? 0;
  if (first.amount < reserve)
    return { outcome: 'reserve_not_met', winnerId: null, finalPrice: null, closedAt };
  const price =
    auction.format === 'sealed_second_price'
      ? Math.max(second?.amount ?? 0, auction.startingPrice, reserve)
      : first.amount;
  return { outcome: 'sold', winnerId: first.bidderId, finalPrice: price, closedAt };
}

/**
 * A bid on a Dutch auction takes it at the current price, if it reaches that price: the bid
 * (at the price charged, not the amount sent) and the close, in one append. A second buyer at
 * the same instant finds it closed (AUCTION_NOT_OPEN).
 */
export function placeDutchBid(bid: FormatBid, now: Date, auction: Auction): AuctionEvent[] {
  refuseProxy(bid);
  const price = dutchPriceAt(auction, now.getTime());
  if (bid.amount < price)
    throw new AuctionRuleError('BID_TOO_LOW', `The price is ${price}`, { minimumBid: price });
  const at = now.toISOString();
  return [
    {
      type: 'BidPlaced',
      data: { bidId: bid.bidId, bidderId: bid.bidderId, amount: price, auto: false, placedAt: at },
    },
    {
      type: 'AuctionClosed',
      data: { outcome: 'sold', winnerId: bid.bidderId, finalPrice: price, closedAt: at },
    },
  ];
}

/** Whether a bid may be placed at all now (every format): open, and not the seller's. */
export function checkMayBid(auction: Auction, bidderId: string, now: Date, notOpen: () => string) {
  if (!isOpenAt(auction, now.getTime())) throw new AuctionRuleError('AUCTION_NOT_OPEN', notOpen());
  if (bidderId === auction.sellerId) throw new AuctionRuleError('SELLER_CANNOT_BID', 'Sellers cannot bid');
}
