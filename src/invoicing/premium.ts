/**
 * The buyer's premium on a hammer price, in integer minor units: `percent` has at most two
 * decimals (a sale refuses more), so it is a whole number of basis points, and the premium is
 * hammer x bp / 10,000 rounded half up, computed exactly (BigInt: no float ever touches the
 * amount). A percent of more decimals in a log from before that check is taken to the nearest
 * basis point, so every sale in the log can be invoiced.
 */
export function buyersPremium(hammerPrice: number, percent: number): number {
  if (!Number.isSafeInteger(hammerPrice) || hammerPrice < 0) throw new RangeError('hammerPrice');
  const basisPoints = Math.round(percent * 100);
  if (!(basisPoints >= 0 && basisPoints <= 5000)) throw new RangeError('percent: 0..50');
  return Number((BigInt(hammerPrice) * BigInt(basisPoints) * 2n + 10_000n) / 20_000n);
}
