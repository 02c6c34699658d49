import type Redis from 'ioredis';
import type { Knex } from 'knex';
import type { EventStore } from '../../events';
import { createReadModelTables, READ_MODEL_SCHEMA } from './migrations';
import { applyToReadModel, POSTGRES_PROJECTION } from './postgresReadModel';
import { CheckpointMovedError, type ProjectionStore } from '../projectionStore';
import { getStateCache } from '../stateCache';
import { currentGeneration, redisKeys, redisReadModel, REDIS_PROJECTION } from './redisReadModel';

export const REBUILD_SCHEMA = 'read_model_rebuild';
const OLD_SCHEMA = `${READ_MODEL_SCHEMA}_old`;

export interface RebuildResult {
  events: number;
  position: string | undefined;
  seconds: number;
}

/** Fills `schema` (dropped and created anew) from the whole log; returns where it stopped. */
export async function buildPostgresReadModel(
  knex: Knex,
  eventStore: EventStore,
  schema: string,
  pageSize = 5000,
): Promise<RebuildResult> {
  const started = Date.now();
  await knex.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await createReadModelTables(knex, schema);
  let position: string | undefined;
  let events = 0;
  const cache = getStateCache();
  for (;;) {
    const page = await eventStore.readAll({ after: position, limit: pageSize });
    if (page.length === 0) break;
    const { states } = await applyToReadModel(knex, schema, page, cache);
    cache.remember(states);
    position = page[page.length - 1]!.position;
    events += page.length;
  }
  return { events, position, seconds: (Date.now() - started) / 1000 };
}

/**
 * Rebuilds the PostgreSQL read model beside the live one and swaps them: readers never see it
 * offline. The swap holds the live projection's checkpoint row, so its next batch waits, then
 * finds the checkpoint moved and continues from the rebuilt position.
 */
export async function rebuildPostgresReadModel(knex: Knex, eventStore: EventStore): Promise<RebuildResult> {
  await knex.raw(`DROP SCHEMA IF EXISTS "${OLD_SCHEMA}" CASCADE`);
  const built = await buildPostgresReadModel(knex, eventStore, REBUILD_SCHEMA);
  let { position, events } = built;
  await knex.transaction(async (trx) => {
    // Writers first, then the checkpoint: the live projection's statement takes the tables'
    // locks before the checkpoint row's, so taking them in the same order cannot deadlock.
    // EXCLUSIVE lets readers through.
    await trx.raw(
      `LOCK TABLE "${READ_MODEL_SCHEMA}".auctions, "${READ_MODEL_SCHEMA}".bids, "${READ_MODEL_SCHEMA}".user_bids IN EXCLUSIVE MODE`,
    );
    await trx('projection_checkpoints')
      .insert({ name: POSTGRES_PROJECTION, position: '' })
      .onConflict('name')
      .ignore();
    await trx('projection_checkpoints').where({ name: POSTGRES_PROJECTION }).forUpdate().first();
    for (;;) {
      const page = await eventStore.readAll({ after: position, limit: 5000 });
      if (page.length === 0) break;
      await applyToReadModel(trx, REBUILD_SCHEMA, page);
      position = page[page.length - 1]!.position;
      events += page.length;
    }
    await trx.raw(`ALTER SCHEMA "${READ_MODEL_SCHEMA}" RENAME TO "${OLD_SCHEMA}"`);
    await trx.raw(`ALTER SCHEMA "${REBUILD_SCHEMA}" RENAME TO "${READ_MODEL_SCHEMA}"`);
    await trx('projection_checkpoints')
      .where({ name: POSTGRES_PROJECTION })
      .update({ position: position ?? '', updated_at: trx.fn.now() });
  });
  // The old tables go only now, outside the swap: a live batch that waited on them during the
  // swap still runs against them, finds the checkpoint moved, writes nothing and restarts.
  await new Promise((r) => setTimeout(r, 1000));
  await knex.raw(`DROP SCHEMA IF EXISTS "${OLD_SCHEMA}" CASCADE`);
  return { events, position, seconds: built.seconds };
}

/**
 * Rebuilds the Redis read model into the next generation, then switches readers and the live
 * projection to it (its next batch is refused on the old generation and it restarts on the new
 * one), then deletes the old generation's keys.
 */
export async function rebuildRedisReadModel(
  redis: Redis,
  eventStore: EventStore,
  prefix: string,
  pageSize = 5000,
): Promise<RebuildResult> {
  const started = Date.now();
  const old = await currentGeneration(redis, prefix);
  const generation = String(Number(old) + 1);
  await deleteGeneration(redis, prefix, generation);
  const store = redisReadModel(redis, { prefix, generation, checkGeneration: false });
  let position: string | undefined;
  let events = 0;
  for (;;) {
    const page = await eventStore.readAll({ after: position, limit: pageSize });
    if (page.length === 0) break;
    const next = page[page.length - 1]!.position;
    await store.applyBatch(page, position, next);
    position = next;
    events += page.length;
  }
  await redis.set(redisKeys(prefix, generation).generation, generation);
  // Readers refresh their generation every second; give them time before the old keys go.
  await new Promise((r) => setTimeout(r, 2000));
  await deleteGeneration(redis, prefix, old);
  return { events, position, seconds: (Date.now() - started) / 1000 };
}

async function deleteGeneration(redis: Redis, prefix: string, generation: string) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', redisKeys(prefix, generation).all, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export const PROJECTION_NAMES = [POSTGRES_PROJECTION, REDIS_PROJECTION];

/**
 * Rebuilds a projection kept in place (its store writes with its checkpoint): clears `tables`
 * and resets the checkpoint in one transaction, then folds the whole log through the store, as
 * its runner would. A live runner notices the reset and starts over too; the checkpoint's
 * compare-and-set lets only one of them write each batch, and whichever moves on first carries it.
 */
export async function refoldInPlace(
  knex: Knex,
  eventStore: EventStore,
  store: ProjectionStore,
  tables: string[],
  pageSize = 2000,
): Promise<RebuildResult & { tookOver: boolean }> {
  const started = Date.now();
  await knex.transaction(async (trx) => {
    await trx.raw(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')}`);
    await trx('projection_checkpoints').insert({ name: store.name, position: '' }).onConflict('name').merge();
  });
  let position: string | undefined;
  let events = 0;
  for (;;) {
    const batch = await eventStore.readAll({ after: position, limit: pageSize });
    if (batch.length === 0) break;
    const next = batch[batch.length - 1]!.position;
    try {
      await store.applyBatch(batch, position, next);
    } catch (error) {
      if (!(error instanceof CheckpointMovedError)) throw error;
      return { events, position, seconds: (Date.now() - started) / 1000, tookOver: true };
    }
    position = next;
    events += batch.length;
  }
  return { events, position, seconds: (Date.now() - started) / 1000, tookOver: false };
}
