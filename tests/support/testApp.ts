import Redis from 'ioredis';
import { startApp, type RunningApp, type StartOptions } from '../../src/main';
import { createLogger, loadConfig, type Logger } from '../../src/platform';
import { createTestDatabase } from './testDatabase';

export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef0123456789';

/**
 * The whole server in-process on a random port, against a database of its own (or a shared
 * one). Its Redis keys are under a prefix named after the database, so instances sharing a
 * database share Redis too, and test files do not see each other's keys.
 */
export async function startTestApp(
  options: {
    label?: string;
    databaseUrl?: string;
    env?: Record<string, string>;
    start?: StartOptions;
    /** Where the app's log lines go (else nowhere, or TEST_LOG_LEVEL's level on stdout). */
    logger?: Logger;
  } = {},
) {
  const database = options.databaseUrl ? undefined : await createTestDatabase(options.label ?? 'app');
  const databaseUrl = options.databaseUrl ?? database!.url;
  const redisKeyPrefix = `${new URL(databaseUrl).pathname.slice(1)}:`;
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Tests register and bid from one IP at machine speed; the rate-limit tests turn them on.
    RATE_LIMIT_AUTH: 'off',
    RATE_LIMIT_BIDS: 'off',
    // In-process roles, so a test can hook them (onChanges); the e2e tests run the thread as npm start does.
    PROJECTOR_THREAD: 'inline',
    ...options.env,
  });
  const app: RunningApp = await startApp(config, options.logger ?? createLogger(config.logLevel), {
    leaseTtlSeconds: 3,
    heartbeatMs: 500,
    ...options.start,
  });
  return {
    app,
    url: app.url,
    databaseUrl,
    redisKeyPrefix,
    async stop() {
      await app.stop();
      if (database) {
        await database.drop();
        await deleteKeys(redisKeyPrefix);
      }
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function call(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${url}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

let userSeq = 0;
export async function registerUser(url: string, label = 'user') {
  userSeq++;
  const email = `${label}-${process.pid}-${userSeq}-${Date.now()}@example.test`;
  const res = await call(url, 'POST', '/auth/register', {
    body: { email, password: 'correct horse battery', displayName: `${label} ${userSeq}` },
  });
  if (res.status !== 201) throw new Error(`register failed: ${JSON.stringify(res.body)}`);
  return { email, userId: res.body.userId as string, token: res.body.token as string };
}

export const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

export async function createAuction(url: string, token: string, overrides: Record<string, unknown> = {}) {
  const res = await call(url, 'POST', '/auctions', {
    token,
    body: {
      title: 'Brass lamp',
      currency: 'EUR',
      startingPrice: 1000,
      minIncrement: 100,
      endsAt: inSeconds(3600),
      ...overrides,
    },
  });
  if (res.status !== 201) throw new Error(`create failed: ${JSON.stringify(res.body)}`);
  return res.body.auctionId as string;
}

/** Deletes every Redis key under a test prefix. */
// All of a prefix's keys in one script: atomic, as a FLUSHALL is. Deleting them in chunks let a
// projection write between two chunks and keep a checkpoint whose hashes were then deleted.
const DELETE_KEYS = `local keys = redis.call('KEYS', ARGV[1])
for i = 1, #keys, 5000 do redis.call('DEL', unpack(keys, i, math.min(i + 4999, #keys))) end
return #keys`;

/** Deletes every key under the prefix at once: what a FLUSHALL does to one app's keys. */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    await redis.eval(DELETE_KEYS, 0, `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`);
  } finally {
    redis.disconnect();
  }
}
