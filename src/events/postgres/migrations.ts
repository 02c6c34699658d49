import type { Knex } from 'knex';
import type { Migration } from '../../platform';

/**
 * The PostgreSQL event store schema. `event_streams` holds each stream's current revision: the
 * row is the optimistic-concurrency check (an UPDATE ... WHERE revision = expected waits for a
 * concurrent writer and then finds nothing). `events.transaction_id` lets readers of the global
 * log stay below the snapshot horizon so that a late-committing transaction is never skipped.
 */
export const eventStoreMigrations: Migration[] = [
  {
    name: '0001_event_store',
    async up(knex: Knex) {
      await knex.raw(`
        CREATE TABLE event_streams (
          stream_id text PRIMARY KEY,
          revision bigint NOT NULL
        );
        CREATE TABLE events (
          position bigint GENERATED ALWAYS AS IDENTITY,
          transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
          event_id uuid NOT NULL,
          stream_id text NOT NULL,
          stream_revision bigint NOT NULL,
          type text NOT NULL,
          data json NOT NULL,
          metadata json NOT NULL,
          recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
          PRIMARY KEY (stream_id, stream_revision)
        );
        CREATE UNIQUE INDEX events_global_order ON events (transaction_id, position);
      `);
    },
    async down(knex: Knex) {
      await knex.raw('DROP TABLE events; DROP TABLE event_streams;');
    },
  },
];
