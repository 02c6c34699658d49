/** A Dutch auction's falling price: its terms, and the price at an instant (one definition, the page's too). */
export interface DutchTerms {
  floorPrice: number;
  dropAmount: number;
  dropEverySeconds: number;
}

/** The terms as a JSON schema (events and request bodies). */
export const dutchTermsSchema = {
  type: 'object',
  properties: {
    floorPrice: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    dropAmount: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    dropEverySeconds: { type: 'integer', minimum: 1, maximum: 86_400 },
  },
  required: ['floorPrice', 'dropAmount', 'dropEverySeconds'],
  additionalProperties: false,
} as const;

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
