import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import {
  EventStore,
  WrongExpectedRevisionError,
  eventStoreMigrations,
  getPostgresEventStore,
  toJson,
} from '../../src/events';
import { appendSql } from '../../src/events/postgres/sql';
import { createKnex, createPool, runMigrations } from '../../src/platform';
import { createTestDatabase } from '../support/testDatabase';
import { eventStoreContract } from './eventStoreContract';

describe('PostgreSQL event store', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  let store: EventStore;
  const openClients: Client[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('pg_event_store');
    const knex = createKnex(database.url, 2);
    await runMigrations(knex, eventStoreMigrations);
    await knex.destroy();
    pool = createPool(database.url, 20);
    store = getPostgresEventStore({ pool, connectionString: database.url });
  });

  afterAll(async () => {
    for (const client of openClients) await client.end().catch(() => undefined);
    await store.close();
    await pool.end();
    await database.drop();
  });

  eventStoreContract({
    store: () => store,
    async appendInOpenTransaction(streamId, event) {
      const client = new Client({ connectionString: database.url });
      openClients.push(client);
      await client.connect();
      await client.query('BEGIN');
      await client.query(appendSql.no_stream, [
        streamId,
        1,
        [event.id ?? randomUUID()],
        [event.type],
        [toJson(event.data)],
        [toJson(event.metadata ?? {})],
      ]);
      return {
        async commit() {
          await client.query('COMMIT');
          await client.end();
        },
      };
    },
  });

  it('orders the global log by transaction id as a number, not as text', async () => {
    // Rows with transaction ids 9 and 10 ('10' < '9' as text), inserted directly.
    await pool.query(`INSERT INTO events (transaction_id, position, event_id, stream_id, stream_revision, type, data, metadata)
      OVERRIDING SYSTEM VALUE VALUES
      ('10', -2, gen_random_uuid(), 'xid-order', 1, 'Second', '{}', '{}'),
      ('9', -1, gen_random_uuid(), 'xid-order', 0, 'First', '{}', '{}')`);
    const events = await store.readAll({ after: '00000000000000000008-00000000000000000000', limit: 2 });
    expect(events.map((e) => e.type)).toEqual(['First', 'Second']);
    expect(events[0]!.position < events[1]!.position).toBe(true);
  });

  it('runs migrations safely when several instances start at once', async () => {
    const fresh = await createTestDatabase('pg_migrate_race');
    try {
      const knexes = Array.from({ length: 4 }, () => createKnex(fresh.url, 2));
      const applied = await Promise.all(knexes.map((k) => runMigrations(k, eventStoreMigrations)));
      expect(applied.flat()).toEqual(['0001_event_store']);
      await Promise.all(knexes.map((k) => k.destroy()));
    } finally {
      await fresh.drop();
    }
  });

  it('commits appends to many streams together; a conflict or a fault in one fails only that one', async () => {
    const streams = Array.from({ length: 40 }, (_, i) => `batch-${randomUUID()}-${i}`);
    for (const streamId of streams)
      await store.appendToStream(streamId, [{ type: 'Opened', data: {} }], { expectedRevision: 'no_stream' });
    // All at once: the store groups what arrives while a statement runs into the next one.
    const round = (
      revision: (i: number) => bigint,
      id: (i: number) => string | undefined = () => undefined,
    ) =>
      Promise.allSettled(
        streams.map((streamId, i) =>
          store.appendToStream(
            streamId,
            [
              { id: id(i), type: 'Bid', data: { i } },
              { type: 'Bid', data: { i, second: true } },
            ],
            { expectedRevision: revision(i) },
          ),
        ),
      );
    const failedIn = (results: PromiseSettledResult<unknown>[]) =>
      results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));

    // Stream 3 with a stale revision: only its append conflicts, with the actual revision.
    const first = await round((i) => (i === 3 ? 5n : 0n));
    expect(failedIn(first)).toEqual([3]);
    const stale = (first[3] as PromiseRejectedResult).reason as WrongExpectedRevisionError;
    expect(stale).toBeInstanceOf(WrongExpectedRevisionError);
    expect(stale.actual).toBe(0n);
    // Fewer commits than appends: several streams' events went in one transaction.
    const { rows } = await pool.query<{ commits: number }>(
      `SELECT count(DISTINCT transaction_id)::int AS commits FROM events WHERE stream_id = ANY($1) AND stream_revision > 0`,
      [streams],
    );
    expect(rows[0]!.commits).toBeLessThan(39);

    // Stream 7's event cannot be stored (a malformed id): its batch is retried one by one, and
    // only stream 7's append fails.
    const second = await round(
      (i) => (i === 3 ? 0n : 2n),
      (i) => (i === 7 ? 'not-a-uuid' : undefined),
    );
    expect(failedIn(second)).toEqual([7]);
    for (const [i, streamId] of streams.entries()) {
      const events = await store.readStream(streamId);
      // Stream 3 missed round one, stream 7 round two: each is two events short.
      expect(events.map((e) => Number(e.revision))).toEqual(i === 3 || i === 7 ? [0, 1, 2] : [0, 1, 2, 3, 4]);
    }
  });
});
