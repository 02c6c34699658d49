/**
 * `npm run projections:rebuild -- [postgres-read-model|redis-read-model]`: rebuilds read models
 * from the log beside the live ones, then swaps them in. Without a name, rebuilds both.
 */
import { once } from 'node:events';
import {
  PROJECTION_NAMES,
  POSTGRES_PROJECTION,
  rebuildPostgresReadModel,
  rebuildRedisReadModel,
} from '../projections';
import { fail, openStores, runCli } from './context';

async function main() {
  const [name] = process.argv.slice(2);
  if (name !== undefined && !PROJECTION_NAMES.includes(name))
    fail(`usage: npm run projections:rebuild -- [${PROJECTION_NAMES.join('|')}]`);
  const stores = openStores();
  try {
    for (const projection of name ? [name] : PROJECTION_NAMES) {
      let result;
      if (projection === POSTGRES_PROJECTION) {
        result = await rebuildPostgresReadModel(stores.knex, stores.eventStore);
      } else {
        const redis = stores.redis();
        if (redis.status !== 'ready') await once(redis, 'ready');
        result = await rebuildRedisReadModel(redis, stores.eventStore, stores.config.redisKeyPrefix);
      }
      const rate = Math.round(result.events / Math.max(result.seconds, 0.001));
      console.log(
        `${projection}: rebuilt from ${result.events} events in ${result.seconds.toFixed(1)} s (${rate} events/s), at ${result.position ?? 'the start'}`,
      );
    }
  } finally {
    await stores.close();
  }
}

runCli(main, (error) => `rebuild failed: ${error.message}`);
