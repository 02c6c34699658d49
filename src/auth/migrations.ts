import type { Knex } from 'knex';
import type { Migration } from '../platform';

/** Accounts live in Postgres, never in events (events carry user ids only). */
export const accountMigrations: Migration[] = [
  {
    name: '0100_accounts',
    async up(knex: Knex) {
      await knex.raw(`
        CREATE TABLE accounts (
          user_id uuid PRIMARY KEY,
          email text NOT NULL,
          password_hash text NOT NULL,
          display_name text NOT NULL,
          roles text[] NOT NULL DEFAULT '{bidder}',
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX accounts_email ON accounts (lower(email));
      `);
    },
    async down(knex: Knex) {
      await knex.raw('DROP TABLE accounts');
    },
  },
];
