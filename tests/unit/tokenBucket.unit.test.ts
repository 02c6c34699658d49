import { fullBucket, take } from '../../src/realtime';

describe('token bucket of client messages', () => {
  const limits = { perSecond: 10, burst: 3 };

  it('allows a burst, then refuses until it refills', () => {
    const bucket = fullBucket(3, 0);
    expect([take(bucket, 0, limits), take(bucket, 0, limits), take(bucket, 0, limits)]).toEqual([
      true,
      true,
      true,
    ]);
    expect(take(bucket, 0, limits)).toBe(false);
    expect(take(bucket, 50, limits)).toBe(false); // half a token
    expect(take(bucket, 100, limits)).toBe(true); // one token after 100 ms at 10/s
    expect(take(bucket, 100, limits)).toBe(false);
  });

  it('never holds more than the burst, however long it was idle', () => {
    const bucket = fullBucket(3, 0);
    take(bucket, 0, limits);
    const allowed = [1, 2, 3, 4].map(() => take(bucket, 60_000, limits));
    expect(allowed).toEqual([true, true, true, false]);
  });
});
