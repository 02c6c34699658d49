/**
 * Rebuild speed: seeds a log of 1,000,000 events if the bench database has fewer, then rebuilds
 * the PostgreSQL read model (into a side schema) and the Redis read model (into a side
 * generation), first each alone, then both together.   npm run bench:rebuild
 */
import os from 'node:os';
import { Client } from 'pg';
import { getPostgresEventStore } from '../src/events';
import { createKnex, createPool, createRedis } from '../src/platform';
import { buildPostgresReadModel, redisReadModel, type RebuildResult } from '../src/projections';
import { SEED_DATABASE_URL, seedLog } from './seed-log';

const TARGET = Number(process.env.EVENTS ?? 1_000_000);

async function countEvents(url: string) {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query('SELECT count(*)::int AS n FROM events');
    return rows[0].n as number;
  } catch {
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function buildRedis(url: string, prefix: string): Promise<RebuildResult> {
  const pool = createPool(url, 2);
  const eventStore = getPostgresEventStore({ pool, connectionString: url });
  const redis = createRedis('redis://127.0.0.1:6379');
  await new Promise((r) => redis.once('ready', r));
  const keys = await redis.keys(`${prefix}*`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  const store = redisReadModel(redis, { prefix, generation: '1', checkGeneration: false });
  const started = Date.now();
  let position: string | undefined;
  let events = 0;
  for (;;) {
    const page = await eventStore.readAll({ after: position, limit: 5000 });
    if (page.length === 0) break;
    const next = page[page.length - 1]!.position;
    await store.applyBatch(page, position, next);
    position = next;
    events += page.length;
  }
  const result = { events, position, seconds: (Date.now() - started) / 1000 };
  const left = await redis.keys(`${prefix}*`);
  for (let i = 0; i < left.length; i += 1000) await redis.del(...left.slice(i, i + 1000));
  redis.disconnect();
  await eventStore.close();
  await pool.end();
  return result;
}

async function buildPostgres(url: string, schema: string): Promise<RebuildResult> {
  const knex = createKnex(url, 2, { durable: false });
  const pool = createPool(url, 2);
  const eventStore = getPostgresEventStore({ pool, connectionString: url });
  const result = await buildPostgresReadModel(knex, eventStore, schema);
  await knex.raw(`DROP SCHEMA "${schema}" CASCADE`);
  await eventStore.close();
  await pool.end();
  await knex.destroy();
  return result;
}

const rate = (r: RebuildResult) => Math.round(r.events / r.seconds);

async function main() {
  console.log(`# rebuild bench: ${os.cpus().length} cores, node ${process.version}`);
  let n = await countEvents(SEED_DATABASE_URL);
  if (n < TARGET) {
    const started = Date.now();
    await seedLog(SEED_DATABASE_URL, Math.ceil((TARGET - n) / 100), 99);
    n = await countEvents(SEED_DATABASE_URL);
    console.log(`seeded to ${n} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const pg = await buildPostgres(SEED_DATABASE_URL, 'read_model_bench');
  console.log(JSON.stringify({ projection: 'postgres-read-model', ...pg, eventsPerSec: rate(pg) }));
  const redis = await buildRedis(SEED_DATABASE_URL, 'benchrebuild:');
  console.log(JSON.stringify({ projection: 'redis-read-model', ...redis, eventsPerSec: rate(redis) }));
  const started = Date.now();
  const [a, b] = await Promise.all([
    buildPostgres(SEED_DATABASE_URL, 'read_model_bench'),
    buildRedis(SEED_DATABASE_URL, 'benchrebuild:'),
  ]);
  const seconds = (Date.now() - started) / 1000;
  console.log(
    JSON.stringify({
      projection: 'both together',
      events: a.events + b.events,
      seconds,
      logEventsPerSec: Math.round(Math.max(a.events, b.events) / seconds),
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
