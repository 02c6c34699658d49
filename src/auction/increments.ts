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

export const incrementAt = (price: number, minIncrement: number | null) =>
  minIncrement ?? ladderIncrement(price);
