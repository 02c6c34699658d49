import type Redis from 'ioredis';
import { accountMigrations } from '../auth';
import { eventStoreMigrations } from '../events';
import {
  projectionMigrations,
  analyticsMigrations,
  notificationMigrations,
  saleMigrations,
  invoiceMigrations,
} from '../projections';
import {
  blobMigrations,
  personalDataMigrations,
  openBlobStore,
  createKnex,
  createMetrics,
  createPool,
  createRedis,
  ensureDatabase,
  runMigrations,
  type Config,
  type Logger,
} from '../platform';
import type { Closers } from './closers';
import { getEventStore } from './getEventStore';

async function waitForRedis(redis: Redis, timeoutMs: number) {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Redis is not reachable')), timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Every module's tables, in the order they were introduced. */
export const MIGRATIONS = [
  ...eventStoreMigrations,
  ...accountMigrations,
  ...projectionMigrations,
  ...notificationMigrations,
  ...analyticsMigrations,
  ...blobMigrations,
  ...saleMigrations,
  ...personalDataMigrations,
  ...invoiceMigrations,
];

/**
 * What every role shares, opened once: the database (created and migrated), the event store,
 * Redis and the metrics registry. Each is closed last, after the roles that use it. `thread`
 * names this thread's connections in pg_stat_activity (application_name).
 */
export async function openInfrastructure(
  config: Config,
  logger: Logger,
  closers: Closers,
  { processMetrics = true, thread = 'main' } = {},
) {
  await ensureDatabase(config.databaseUrl);
  const knex = createKnex(config.databaseUrl, 10, { name: `live-auctions ${thread}: queries` });
  closers.add('postgres (knex)', () => knex.destroy());
  const applied = await runMigrations(knex, MIGRATIONS);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');

  const pool = createPool(config.databaseUrl, 20, `live-auctions ${thread}: event store`);
  closers.add('postgres (pool)', () => pool.end());
  const redis = createRedis(config.redisUrl);
  closers.add('redis', () => redis.disconnect());
  await waitForRedis(redis, 10_000);
  const eventStore = getEventStore(config, pool);
  closers.add('event store', () => eventStore.close());
  // Photos: PostgreSQL by default, an S3-compatible store by configuration.
  const blobs = openBlobStore(config.photoStore, knex);
  return { config, logger, knex, pool, redis, eventStore, blobs, metrics: createMetrics({ processMetrics }) };
}

export type Infrastructure = Awaited<ReturnType<typeof openInfrastructure>>;
