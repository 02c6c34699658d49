import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { EventStore, eventStoreMigrations, getPostgresEventStore, toJson } from '../../src/events';
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
});
