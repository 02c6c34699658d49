import type { Auction } from './auctionState';
import {
  dutchPriceAt,
  formatOf,
  isSealed,
  rankSealedBids,
  type AuctionFormat,
  type DutchTerms,
} from './formatRules';

/** The fields of a view that an auction's format decides. */
export interface FormatViewFields {
  format: AuctionFormat;
  dutch: DutchTerms | null;
  currentPrice: number | null;
  minimumBid: number | null;
  leadingBidderId: string | null;
  reserveMet: boolean | null;
  leaderCeiling: number | null;
}

/**
 * Pure: what a view shows of the format at `now`. English: the price and leader as bid. Sealed,
 * until the close: the starting price, no leader, nothing of the reserve (it would tell whether
 * some bid reached it); after: the highest bid and its bidder. Dutch: the price as it stands now.
 */
export function formatViewFields(
  auction: Auction,
  status: 'scheduled' | 'open' | 'closed' | 'cancelled',
  now: number,
  englishMinimum: () => number,
): FormatViewFields {
  const format = formatOf(auction);
  const live = status === 'open' || status === 'scheduled';
  const reserveMet = (price: number | null) =>
    auction.reservePrice === null ? null : (price ?? -1) >= auction.reservePrice;
  const base = { format, dutch: auction.dutch ?? null };
  if (isSealed(auction)) {
    if (auction.status !== 'closed') {
      const price = auction.startingPrice;
      const minimumBid = live ? price : null;
      return {
        ...base,
        currentPrice: price,
        minimumBid,
        leadingBidderId: null,
        reserveMet: null,
        leaderCeiling: null,
      };
    }
    const [top] = rankSealedBids(auction);
    return {
      ...base,
      currentPrice: auction.finalPrice ?? top?.amount ?? null,
      minimumBid: null,
      leadingBidderId: auction.winnerId ?? top?.bidderId ?? null,
      reserveMet: reserveMet(top?.amount ?? null),
      leaderCeiling: null,
    };
  }
  if (format === 'dutch' && live) {
    const price = dutchPriceAt(auction, now);
    return {
      ...base,
      currentPrice: price,
      minimumBid: price,
      leadingBidderId: null,
      reserveMet: null,
      leaderCeiling: null,
    };
  }
  return {
    ...base,
    currentPrice: auction.currentPrice,
    minimumBid: live ? englishMinimum() : null,
    leadingBidderId: auction.leader?.bidderId ?? null,
    reserveMet: reserveMet(auction.currentPrice),
    leaderCeiling: auction.leader?.ceiling ?? null,
  };
}

/** A stored Dutch view's price at `now` (the stored one was right when it was stored). */
export function dutchViewAt<
  V extends {
    format?: string;
    dutch?: DutchTerms | null;
    status: string;
    startingPrice: number;
    startsAt: string;
  },
>(view: V, now: number): V & { currentPrice: number; minimumBid: number } {
  const price = dutchPriceAt(
    { startingPrice: view.startingPrice, startsAt: Date.parse(view.startsAt), dutch: view.dutch! },
    now,
  );
  return { ...view, currentPrice: price, minimumBid: price };
}
