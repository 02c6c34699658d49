/** The default bid increment ladder (eBay's, in minor units): [price below, increment]. */
const LADDER: Array<[number, number]> = [
  [100, 5],
  [500, 25],
  [2_500, 50],
  [10_000, 100],
  [25_000, 250],
  [50_000, 500],
  [100_000, 1_000],
  [250_000, 2_500],
  [500_000, 5_000],
];

export function ladderIncrement(price: number): number {
  for (const [below, increment] of LADDER) if (price < below) return increment;
  return 10_000;
}

/** A band of an increment table: from this price (minor units) up, bids go up by `increment`. */
export interface IncrementBand {
  from: number;
  increment: number;
}

/** The most bands a table may have. */
export const MAX_INCREMENT_BANDS = 50;

/**
 * The increment at `price`: the band of the auction's own table the price is in, else its fixed
 * increment, else the default ladder.
 */
export function incrementAt(
  price: number,
  minIncrement: number | null,
  table?: readonly IncrementBand[] | null,
) {
  if (!table?.length) return minIncrement ?? ladderIncrement(price);
  let increment = table[0]!.increment;
  for (const band of table) {
    if (band.from > price) break;
    increment = band.increment;
  }
  return increment;
}

/** What is wrong with an increment table, or undefined: from 0 up, ascending, positive increments. */
export function incrementTableError(table: readonly IncrementBand[]): string | undefined {
  if (table.length === 0) return 'must have at least one band';
  if (table.length > MAX_INCREMENT_BANDS) return `must have at most ${MAX_INCREMENT_BANDS} bands`;
  if (table[0]!.from !== 0) return 'must start from 0';
  for (let i = 0; i < table.length; i++) {
    const band = table[i]!;
    if (!Number.isSafeInteger(band.increment) || band.increment < 1)
      return `band ${i}: increment must be at least 1`;
    if (i > 0 && !(band.from > table[i - 1]!.from)) return `band ${i}: from must be above the band before`;
  }
  return undefined;
}

/**
 * The JSON schema of an increment table, for every route that takes one: bands `{from, increment}`
 * in minor units; their order is checked by `incrementTableError`, which a schema cannot say.
 */
export const incrementTableSchema = {
  type: 'array',
  description:
    'Bands `{from, increment}` from 0 up, ascending: a bid must be at least the current price plus the increment of the band the price is in. Instead of minIncrement; neither: the default ladder.',
  minItems: 1,
  maxItems: MAX_INCREMENT_BANDS,
  items: {
    type: 'object',
    properties: {
      from: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      increment: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    },
    required: ['from', 'increment'],
    additionalProperties: false,
  },
} as const;
