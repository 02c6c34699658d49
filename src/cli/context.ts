/** The composition root of the command-line tools: the stores named by the configuration. */
import { getEventStore } from '../app';
import { createKnex, createPool, createRedis, loadConfig } from '../platform';

export function openStores() {
  const config = loadConfig();
  const knex = createKnex(config.databaseUrl, 4);
  const pool = createPool(config.databaseUrl, 4);
  const eventStore = getEventStore(config, pool);
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

/**
 * Runs a tool's main: exits once it is done (after stdout is flushed, without waiting for idle
 * sockets), with 1 and the message when it fails.
 */
export function runCli(main: () => Promise<void>, failure = (error: Error) => error.message): void {
  main().then(
    () => process.stdout.write('', () => process.exit(process.exitCode ?? 0)),
    (error: unknown) => {
      console.error(failure(error as Error));
      process.exit(1);
    },
  );
}
