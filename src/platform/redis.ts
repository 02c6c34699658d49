import Redis from 'ioredis';

/**
 * A Redis client that fails fast while Redis is away (no offline queue, one retry), so that the
 * hot route can fall back to PostgreSQL instead of hanging; it reconnects by itself.
 */
export function createRedis(url: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  redis.on('error', () => undefined); // reported through health checks, not as a crash
  return redis;
}
