import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { describeGuard } from './apiRouter';
import type { RateLimitConfig } from './config';
import { ProblemError } from './problem';

export interface RateLimitOptions extends RateLimitConfig {
  /** Names the limit in keys, metrics and the API document. */
  name: string;
  redis: Redis;
  keyPrefix: string;
  /** Whom the limit counts: a user id, a client IP. */
  keyOf(req: Request): string;
  onLimited?(name: string): void;
}

/** Counts a request of a key; resolves with the 429 to answer when the key is over its limit. */
export type RateLimitCheck = (key: string, res: ServerResponse) => Promise<ProblemError | undefined>;

/**
 * A fixed-window limit shared by every instance through Redis. While Redis is away each
 * instance counts on its own in memory (the insurance limiter), so a Redis outage neither
 * lifts the limit nor turns every request into an error.
 */
export function rateLimit(options: RateLimitOptions): RequestHandler & { check: RateLimitCheck } {
  const { name, points, seconds } = options;
  const limiter = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: `${options.keyPrefix}rl:${name}`,
    points,
    duration: seconds,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ points, duration: seconds }),
  });
  /** Counts one request of `key`: sets the RateLimit headers, and gives the 429 when over. */
  const check: RateLimitCheck = (key, res) =>
    limiter.consume(key).then(
      (result) => {
        res.setHeader('RateLimit-Limit', points);
        res.setHeader('RateLimit-Remaining', result.remainingPoints);
        res.setHeader('RateLimit-Reset', Math.max(1, Math.ceil(result.msBeforeNext / 1000)));
        return undefined;
      },
      (refusal: unknown) => {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        const retryAfter = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
        options.onLimited?.(name);
        res.setHeader('Retry-After', String(retryAfter));
        res.setHeader('RateLimit-Limit', points);
        res.setHeader('RateLimit-Remaining', 0);
        res.setHeader('RateLimit-Reset', retryAfter);
        return new ProblemError(
          429,
          'RATE_LIMITED',
          'Too many requests',
          `At most ${points} requests per ${seconds} s; retry in ${retryAfter} s`,
          { retryAfter },
        );
      },
    );
  const handler = ((req, res, next) => {
    check(options.keyOf(req), res).then(next, next);
  }) as RequestHandler & { check: RateLimitCheck };
  handler.check = check;
  return describeGuard(handler, { rateLimit: name });
}

/**
 * A limit this deployment turned off (RATE_LIMIT_*=off): nothing is counted, but the operation
 * still documents its 429, which a deployment that turns the limit on answers (one contract).
 */
export const unlimited = (name: string): RequestHandler =>
  describeGuard((_req, _res, next) => next(), { rateLimit: name });
