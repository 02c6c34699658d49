/**
 * `npm run projections:rebuild -- [postgres-read-model|redis-read-model|notifications|analytics|sales]`:
 * rebuilds read models from the log. The two auction read models are built beside the live
 * ones, then swapped in; notifications, analytics and sales are folded again in place (notifications
 * keep their rows: the same ones are derived again, and nobody is told twice). Without a name,
 * rebuilds all five.
 */
import { once } from 'node:events';
import {
  PROJECTION_NAMES as AUCTION_READ_MODELS,
  POSTGRES_PROJECTION,
  rebuildPostgresReadModel,
  rebuildRedisReadModel,
  refoldInPlace,
  ANALYTICS_PROJECTION,
  analyticsStore,
  NOTIFICATIONS_PROJECTION,
  notificationStore,
  SALES_PROJECTION,
  saleStore,
} from '../projections';
import { cliArgs, fail, openStores, runCli } from './context';

const PROJECTION_NAMES = [
  ...AUCTION_READ_MODELS,
  NOTIFICATIONS_PROJECTION,
  ANALYTICS_PROJECTION,
  SALES_PROJECTION,
];

/** The projections folded again in place, and the tables each empties first. */
const IN_PLACE = {
  [NOTIFICATIONS_PROJECTION]: {
    store: notificationStore,
    tables: ['notify_auctions', 'notify_watchers', 'notify_sale_watchers'],
  },
  [ANALYTICS_PROJECTION]: { store: analyticsStore, tables: ['analytics_auctions'] },
  [SALES_PROJECTION]: { store: saleStore, tables: ['sales'] },
} as const;

async function main() {
  const usage = `npm run projections:rebuild -- [${PROJECTION_NAMES.join('|')}]`;
  const { positionals } = cliArgs({
    usage,
    help: [
      'Rebuilds read models from the whole log, while the service runs: a new copy is built beside the',
      'live one and swapped in (PostgreSQL, Redis), or the running projector carries it on (notifications,',
      'analytics, sales). With no name, every projection.',
    ].join('\n'),
    positionals: { min: 0, max: 1 },
  });
  const [name] = positionals;
  if (name !== undefined && !PROJECTION_NAMES.includes(name)) fail(`no projection ${name}\nusage: ${usage}`);
  const stores = openStores();
  try {
    for (const projection of name ? [name] : PROJECTION_NAMES) {
      let result;
      const inPlaceOf = IN_PLACE[projection as keyof typeof IN_PLACE];
      if (inPlaceOf) {
        const inPlace = await refoldInPlace(stores.knex, stores.eventStore, inPlaceOf.store(stores.knex), [
          ...inPlaceOf.tables,
        ]);
        if (inPlace.tookOver) console.log(`${projection}: the running projector carries the rebuild on`);
        result = inPlace;
      } else if (projection === POSTGRES_PROJECTION) {
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
