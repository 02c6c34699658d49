import fc from 'fast-check';
import { bucketOf, bucketTop, getWindowQuantiles } from '../../src/platform/windowQuantiles';

/** The nearest-rank quantile of a list. */
const exact = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
};

describe('window quantiles', () => {
  it('buckets every millisecond below 1,024 ms exactly, and larger durations within 0.2% above', () => {
    for (let ms = 0; ms < 1024; ms++) expect(bucketTop(bucketOf(ms))).toBe(ms);
    fc.assert(
      fc.property(fc.integer({ min: 1024, max: 2 ** 42 }), (ms) => {
        const top = bucketTop(bucketOf(ms));
        expect(top).toBeGreaterThanOrEqual(ms);
        expect(top - ms).toBeLessThanOrEqual(ms / 512);
      }),
    );
    for (let e = 10; e <= 42; e++)
      for (const ms of [2 ** e - 1, 2 ** e, 2 ** e + 1])
        expect(bucketTop(bucketOf(ms))).toBeGreaterThanOrEqual(ms);
  });

  it('orders buckets as it orders durations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 40 }), (a, b) => {
        if (a <= b) expect(bucketOf(a)).toBeLessThanOrEqual(bucketOf(b));
      }),
    );
  });

  it('gives the nearest-rank quantiles of what it observed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1023 }), { minLength: 1, maxLength: 300 }), (values) => {
        const window = getWindowQuantiles({ now: () => 5_000 });
        for (const v of values) window.observe(v);
        const qs = [0.5, 0.9, 0.99, 1];
        expect(window.quantiles(qs)).toEqual(qs.map((q) => exact(values, q)));
      }),
    );
  });

  it('counts durations past the largest bucket in the last one, and below zero as zero', () => {
    const window = getWindowQuantiles({ now: () => 0 });
    window.observe(-3);
    window.observe(2 ** 50);
    expect(window.quantiles([0.5, 1])).toEqual([0, bucketTop(bucketOf(2 ** 50))]);
  });

  it('forgets observations older than the window, a slice at a time', () => {
    let clock = 0;
    const window = getWindowQuantiles({ windowMs: 60_000, slices: 6, now: () => clock });
    expect(window.quantiles([0.5])).toEqual([undefined]);
    window.observe(900); // in the slice [0, 10 s)
    clock = 30_000;
    window.observe(10);
    window.observe(10);
    expect(window.quantiles([0.5, 1])).toEqual([10, 900]);
    clock = 59_999; // the first slice is still in the window
    expect(window.quantiles([1])).toEqual([900]);
    clock = 60_000; // now it is not
    expect(window.quantiles([1])).toEqual([10]);
    clock = 95_000; // the slice of the 10s is gone too
    expect(window.quantiles([0.99])).toEqual([undefined]);
    // A slice's place is reused for a later period, emptied first.
    window.observe(7);
    expect(window.quantiles([0, 1])).toEqual([7, 7]);
  });
});
