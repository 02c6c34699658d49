import { createHash } from 'node:crypto';
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

/**
 * A Lua script run by its SHA1 (EVALSHA): Redis keeps scripts it has seen, so the text is sent
 * and hashed again only when Redis answers NOSCRIPT (it restarted, or was flushed with SCRIPT
 * FLUSH). Keys go in KEYS, as Redis asks of scripts, everything else in ARGV.
 */
export function redisScript(lua: string) {
  const sha = createHash('sha1').update(lua).digest('hex');
  return async (redis: Redis, keys: string[], args: string[]): Promise<unknown> => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error as Error)?.message?.startsWith('NOSCRIPT')) throw error;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  };
}
