import type { Knex } from 'knex';
import { REWRITTEN_ROWS_FILLFACTOR, rewrittenRowsMigration, type Migration } from '../../platform';

export const READ_MODEL_SCHEMA = 'read_model';

/** A sale's lots in order: the auctions whose state names the sale. */
const lotIndex = (schema: string) =>
  `CREATE INDEX IF NOT EXISTS auctions_lots ON "${schema}".auctions (((state->>'saleId')::uuid), ((state->>'lotNumber')::int)) WHERE state->>'saleId' IS NOT NULL;`;

/** Each bidder's cancelled and retracted bids (an admin's history of the user reads it). */
const cancellationsTable = (schema: string) => `
  CREATE TABLE IF NOT EXISTS "${schema}".bid_cancellations (
    event_id uuid PRIMARY KEY,
    bidder_id uuid NOT NULL,
    auction_id uuid NOT NULL,
    kind text NOT NULL,
    cancelled_by uuid NOT NULL,
    reason text,
    bids integer NOT NULL,
    cancelled_at timestamptz NOT NULL
  );
  CREATE INDEX IF NOT EXISTS bid_cancellations_bidder ON "${schema}".bid_cancellations (bidder_id, cancelled_at);`;

/**
 * The PostgreSQL read model's tables, in a schema of their own so that a rebuild can fill a
 * second schema beside it and swap the two by renaming. Keep this the latest shape: a later
 * migration that alters these tables changes this function too.
 */
export async function createReadModelTables(knex: Knex, schema: string): Promise<void> {
  await knex.raw(`
    CREATE SCHEMA "${schema}";
    CREATE TABLE "${schema}".auctions (
      auction_id uuid PRIMARY KEY,
      seller_id uuid NOT NULL,
      status text NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL,
      revision bigint NOT NULL,
      state jsonb NOT NULL
    ) WITH (fillfactor = ${REWRITTEN_ROWS_FILLFACTOR});
    CREATE INDEX ON "${schema}".auctions (ends_at, auction_id);
    CREATE INDEX ON "${schema}".auctions (created_at DESC, auction_id DESC);
    CREATE INDEX ON "${schema}".auctions (seller_id);
    ${lotIndex(schema)}
    ${cancellationsTable(schema)}
    CREATE TABLE "${schema}".bids (
      bid_id uuid PRIMARY KEY,
      auction_id uuid NOT NULL,
      bidder_id uuid NOT NULL,
      amount bigint NOT NULL,
      auto boolean NOT NULL,
      placed_at timestamptz NOT NULL,
      revision bigint NOT NULL
    );
    CREATE INDEX ON "${schema}".bids (auction_id, revision DESC);
    CREATE TABLE "${schema}".user_bids (
      user_id uuid NOT NULL,
      auction_id uuid NOT NULL,
      my_highest_bid bigint NOT NULL,
      last_bid_at timestamptz NOT NULL,
      PRIMARY KEY (user_id, auction_id)
    );
  `);
}

export const projectionMigrations: Migration[] = [
  {
    name: '0200_projections',
    async up(knex: Knex) {
      await knex.raw(`
        CREATE TABLE projection_checkpoints (name text PRIMARY KEY, position text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE projection_leases (name text PRIMARY KEY, owner text NOT NULL, expires_at timestamptz NOT NULL);
      `);
      await createReadModelTables(knex, READ_MODEL_SCHEMA);
    },
    async down(knex: Knex) {
      await knex.raw(
        `DROP SCHEMA "${READ_MODEL_SCHEMA}" CASCADE; DROP TABLE projection_leases; DROP TABLE projection_checkpoints;`,
      );
    },
  },
  // Pages written from now on keep room for HOT updates (createReadModelTables has it too).
  rewrittenRowsMigration('0201_read_model_fillfactor', `"${READ_MODEL_SCHEMA}".auctions`),
  {
    name: '0202_read_model_lots',
    async up(knex: Knex) {
      await knex.raw(lotIndex(READ_MODEL_SCHEMA));
    },
    async down(knex: Knex) {
      await knex.raw(`DROP INDEX "${READ_MODEL_SCHEMA}".auctions_lots`);
    },
  },
  {
    name: '0203_read_model_bid_cancellations',
    async up(knex: Knex) {
      await knex.raw(cancellationsTable(READ_MODEL_SCHEMA));
    },
    async down(knex: Knex) {
      await knex.raw(`DROP TABLE "${READ_MODEL_SCHEMA}".bid_cancellations`);
    },
  },
];
