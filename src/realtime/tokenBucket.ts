/** Pure: a token bucket of `burst` tokens refilled at `perSecond`. */
export interface TokenBucket {
  tokens: number;
  refilledAt: number;
}

export const fullBucket = (burst: number, now: number): TokenBucket => ({ tokens: burst, refilledAt: now });

/** Takes one token at `now`; false (and nothing taken) when the bucket is empty. */
export function take(
  bucket: TokenBucket,
  now: number,
  limits: { perSecond: number; burst: number },
): boolean {
  bucket.tokens = Math.min(
    limits.burst,
    bucket.tokens + ((now - bucket.refilledAt) / 1000) * limits.perSecond,
  );
  bucket.refilledAt = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}
