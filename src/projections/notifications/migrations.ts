import type { Knex } from 'knex';
import { rewrittenRowsMigration, type Migration } from '../../platform';

/** The notifications projection's tables: what it knows of each auction, who watches what, and the notifications. */
export const notificationMigrations: Migration[] = [
  {
    name: '0300_notifications',
    async up(knex: Knex) {
      await knex.raw(`
        CREATE TABLE notify_auctions (
          auction_id uuid PRIMARY KEY,
          revision bigint NOT NULL,
          state jsonb NOT NULL,
          bidders uuid[] NOT NULL,
          answered uuid
        );
        CREATE TABLE notify_watchers (
          auction_id uuid NOT NULL,
          user_id uuid NOT NULL,
          watched_at timestamptz NOT NULL,
          PRIMARY KEY (auction_id, user_id)
        );
        CREATE INDEX ON notify_watchers (user_id, watched_at DESC, auction_id DESC);
        CREATE TABLE notifications (
          seq bigserial UNIQUE,
          notification_id uuid PRIMARY KEY,
          user_id uuid NOT NULL,
          kind text NOT NULL,
          auction_id uuid NOT NULL,
          auction jsonb NOT NULL,
          at timestamptz NOT NULL,
          position text NOT NULL
        );
        CREATE INDEX ON notifications (user_id, seq);
      `);
    },
    async down(knex: Knex) {
      await knex.raw('DROP TABLE notifications; DROP TABLE notify_watchers; DROP TABLE notify_auctions;');
    },
  },
  rewrittenRowsMigration('0301_notify_auctions_fillfactor', 'notify_auctions'),
  {
    // `seq` comes from its sequence, unique by construction, and every read goes by (user_id,
    // seq): its own unique index was one more index entry to write per notification (one per
    // bid on a busy auction) that no query used.
    name: '0302_notifications_seq_unindexed',
    async up(knex: Knex) {
      await knex.raw('ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_seq_key');
    },
    async down(knex: Knex) {
      await knex.raw('ALTER TABLE notifications ADD CONSTRAINT notifications_seq_key UNIQUE (seq)');
    },
  },
  {
    // Who watches a sale: every lot of it, those added later too.
    name: '0303_notify_sale_watchers',
    async up(knex: Knex) {
      await knex.raw(`
        CREATE TABLE notify_sale_watchers (
          sale_id uuid NOT NULL,
          user_id uuid NOT NULL,
          watched_at timestamptz NOT NULL,
          PRIMARY KEY (sale_id, user_id)
        );
      `);
    },
    async down(knex: Knex) {
      await knex.raw('DROP TABLE notify_sale_watchers');
    },
  },
];
