/**
 * Quantiles of durations (ms) over a sliding window, for a metric observed many thousand times a
 * second (projection lag: every event, every projection). An observation is one counter bump:
 * each slice of the window counts its observations in log-linear buckets, exact to the
 * millisecond below 1,024 ms and within 0.2% above, and a quantile sums the live slices on
 * demand (a scrape). prom-client's Summary keeps a t-digest per age bucket and inserts every
 * observation into each of them, which cost the projector thread several percent of its CPU.
 */

// Below LINEAR every millisecond has its bucket; above, each power of two has SUB_BUCKETS.
const LINEAR = 1024;
const SUB_BITS = 9;
const SUB_BUCKETS = 1 << SUB_BITS;
const MAX_EXPONENT = 42; // 2^42 ms: 139 years
const BUCKETS = LINEAR + (MAX_EXPONENT - 10 + 1) * SUB_BUCKETS;

/** The bucket of a duration in whole ms (negative counts as 0). */
export function bucketOf(ms: number): number {
  const v = Math.max(0, Math.floor(ms));
  if (v < LINEAR) return v;
  let exponent = Math.floor(Math.log2(v));
  if (2 ** exponent > v)
    exponent--; // log2 rounded up just below a power of two
  else if (2 ** (exponent + 1) <= v) exponent++;
  if (exponent > MAX_EXPONENT) return BUCKETS - 1;
  const mantissa = Math.min(SUB_BUCKETS - 1, Math.floor(v / 2 ** (exponent - SUB_BITS)) - SUB_BUCKETS);
  return LINEAR + (exponent - 10) * SUB_BUCKETS + mantissa;
}

/** The largest duration a bucket holds (its quantile is reported as this: never below the truth). */
export function bucketTop(bucket: number): number {
  if (bucket < LINEAR) return bucket;
  const exponent = Math.floor((bucket - LINEAR) / SUB_BUCKETS) + 10;
  const mantissa = (bucket - LINEAR) % SUB_BUCKETS;
  return (SUB_BUCKETS + mantissa + 1) * 2 ** (exponent - SUB_BITS) - 1;
}

export function getWindowQuantiles(options: { windowMs?: number; slices?: number; now?: () => number } = {}) {
  const windowMs = options.windowMs ?? 60_000;
  const sliceCount = options.slices ?? 6;
  const sliceMs = windowMs / sliceCount;
  const now = options.now ?? Date.now;
  // Slice i holds the observations of period p where p % sliceCount === i; `periods` says which p.
  const slices = Array.from({ length: sliceCount }, () => new Uint32Array(BUCKETS));
  const periods = new Array<number>(sliceCount).fill(-Infinity);
  const totals = new Array<number>(sliceCount).fill(0);

  const sliceFor = (period: number) => {
    const i = period % sliceCount;
    if (periods[i] !== period) {
      slices[i]!.fill(0);
      periods[i] = period;
      totals[i] = 0;
    }
    return i;
  };

  return {
    observe(ms: number) {
      const i = sliceFor(Math.floor(now() / sliceMs));
      slices[i]![bucketOf(ms)]!++;
      totals[i]!++;
    },
    /** The given quantiles (0..1) of what the window holds, in ms; undefined when it holds nothing. */
    quantiles(qs: number[]): Array<number | undefined> {
      const current = Math.floor(now() / sliceMs);
      const live = periods.flatMap((p, i) => (p > current - sliceCount && p <= current ? [i] : []));
      const total = live.reduce((sum, i) => sum + totals[i]!, 0);
      if (total === 0) return qs.map(() => undefined);
      const ranks = qs.map((q) => Math.max(1, Math.ceil(q * total)));
      const found: Array<number | undefined> = qs.map(() => undefined);
      let seen = 0;
      for (let bucket = 0; bucket < BUCKETS && found.includes(undefined); bucket++) {
        for (const i of live) seen += slices[i]![bucket]!;
        ranks.forEach((rank, k) => {
          if (found[k] === undefined && seen >= rank) found[k] = bucketTop(bucket);
        });
      }
      return found;
    },
  };
}

export type WindowQuantiles = ReturnType<typeof getWindowQuantiles>;
