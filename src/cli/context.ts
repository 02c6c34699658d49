/** The composition root of the command-line tools: the stores named by the configuration. */
import { getEventStoreDbEventStore, getPostgresEventStore, type EventStore } from '../events';
import { createKnex, createPool, createRedis, loadConfig } from '../platform';

export function openStores() {
  const config = loadConfig();
  const knex = createKnex(config.databaseUrl, 4);
  const pool = createPool(config.databaseUrl, 4);
  const eventStore: EventStore = config.eventStoreConnectionString
    ? getEventStoreDbEventStore({ connectionString: config.eventStoreConnectionString })
    : getPostgresEventStore({ pool, connectionString: config.databaseUrl });
  let redis: ReturnType<typeof createRedis> | undefined;
  return {
    config,
    knex,
    eventStore,
    redis() {
      redis ??= createRedis(config.redisUrl);
      return redis;
    },
    async close() {
      await eventStore.close();
      redis?.disconnect();
      await pool.end();
      await knex.destroy();
    },
  };
}

export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
