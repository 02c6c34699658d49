/** A Dutch auction's falling price: its terms, and the price at an instant (one definition, the page's too). */
export interface DutchTerms {
  floorPrice: number;
  dropAmount: number;
  dropEverySeconds: number;
}

/**
 * The price at `now` (ms): max(floor, start - drop * floor((now - startsAt) / every)); before the
 * start, the starting price. Pure: the decider, the views and the page all use it.
 */
export function dutchPriceAt(
  auction: { startingPrice: number; startsAt: number; dutch?: DutchTerms | null },
  now: number,
): number {
  const terms = auction.dutch!;
  const drops = Math.max(0, Math.floor((now - auction.startsAt) / (terms.dropEverySeconds * 1000)));
  return Math.max(terms.floorPrice, auction.startingPrice - terms.dropAmount * drops);
}
