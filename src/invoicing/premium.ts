/**
 * The buyer's premium on a hammer price, in integer minor units: `percent` has at most two
 * decimals, so it is a whole number of basis points, and the premium is hammer x bp / 10,000
 * rounded half up, computed exactly (BigInt: no float ever touches the amount).
 */
export function buyersPremium(hammerPrice: number, percent: number): number {
  if (!Number.isSafeInteger(hammerPrice) || hammerPrice < 0) throw new RangeError('hammerPrice');
  const basisPoints = Math.round(percent * 100);
  if (basisPoints < 0 || basisPoints > 5000 || Math.abs(basisPoints - percent * 100) > 1e-6)
    throw new RangeError('percent: 0..50 with at most two decimals');
  return Number((BigInt(hammerPrice) * BigInt(basisPoints) * 2n + 10_000n) / 20_000n);
}
