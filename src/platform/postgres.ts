import knexFactory, { Knex } from 'knex';
import { Client, Pool } from 'pg';

/** Creates the database named in the URL if it does not exist; safe when two processes race. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) throw new Error('DATABASE_URL names no database');
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (error) {
    // 42P04 duplicate_database, 23505 unique_violation: another process created it first.
    const code = (error as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw error;
  } finally {
    await admin.end();
  }
}

/**
 * A pool of node-pg clients. `name` is the connections' application_name: what pg_stat_activity
 * (and a CPU breakdown of the backends) tells them apart by.
 */
export function createPool(databaseUrl: string, max: number, name?: string): Pool {
  const pool = new Pool({
    connectionString: databaseUrl,
    ...(name ? { application_name: name } : {}),
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its connection (Postgres restart) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * A knex pool. `durable: false` makes its commits not wait for the WAL flush: only for data
 * that is derived and re-created after a crash (read models with their checkpoints). `name` is
 * the connections' application_name.
 */
export function createKnex(
  databaseUrl: string,
  max = 10,
  options: { durable?: boolean; name?: string } = {},
): Knex {
  const connection = {
    connectionString: databaseUrl,
    ...(options.name ? { application_name: options.name } : {}),
    ...(options.durable === false ? { options: '-c synchronous_commit=off' } : {}),
  };
  return knexFactory({ client: 'pg', connection, pool: { min: 0, max }, acquireConnectionTimeout: 5_000 });
}

export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

// Arbitrary constant: the advisory lock that serialises migrations across starting instances.
const MIGRATION_LOCK_KEY = 727_001;

/**
 * Runs the given migrations in order. knex's own lock fails fast when another instance holds it,
 * so instances starting together first queue on a Postgres advisory lock.
 */
export async function runMigrations(knex: Knex, migrations: Migration[]): Promise<string[]> {
  const source: Knex.MigrationSource<Migration> = {
    getMigrations: async () => migrations,
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => migration,
  };
  const connection = await knex.client.acquireConnection();
  try {
    await connection.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const [, applied] = (await knex.migrate.latest({ migrationSource: source })) as [number, string[]];
    return applied;
  } finally {
    await connection.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await knex.client.releaseConnection(connection);
  }
}

/**
 * The fill factor of tables whose rows a projection rewrites on every batch (an auction's state):
 * room in each page for the row's next version, so an update stays in its page (a HOT update) and
 * writes no index entries. With PostgreSQL's default (100) the pages are full, and about 40% of
 * those updates rewrote every index of the table.
 */
export const REWRITTEN_ROWS_FILLFACTOR = 60;

/** A migration giving `table` (quoted as needed) that fill factor: pages written from then on keep the room. */
export const rewrittenRowsMigration = (name: string, table: string): Migration => ({
  name,
  async up(knex) {
    await knex.raw(`ALTER TABLE ${table} SET (fillfactor = ${REWRITTEN_ROWS_FILLFACTOR})`);
  },
  async down(knex) {
    await knex.raw(`ALTER TABLE ${table} RESET (fillfactor)`);
  },
});

/**
 * A statement with knex's named bindings (`:name`) that each connection of the pool prepares
 * once: parsed and planned once, not on every call (the projections' batch statements are
 * large, and run many times a second). Inside a transaction it runs as a plain `raw`.
 */
export function preparedStatement<Row>(name: string, sql: string) {
  let prepared: { text: string; keys: string[] } | undefined;
  const prepare = (keys: string[]) => {
    const order: string[] = [];
    // `:key` for a key of the bindings; never the second colon of a cast (`::jsonb`).
    const text = sql.replace(/(?<![:\w]):(\w+)/g, (match, key: string) => {
      if (!keys.includes(key)) return match;
      if (!order.includes(key)) order.push(key);
      return `$${order.indexOf(key) + 1}`;
    });
    return { text, keys: order };
  };
  return async (db: Knex | Knex.Transaction, bindings: Record<string, unknown>): Promise<{ rows: Row[] }> => {
    if (db.isTransaction) return db.raw<{ rows: Row[] }>(sql, bindings as Knex.ValueDict);
    prepared ??= prepare(Object.keys(bindings));
    const values = prepared.keys.map((key) => bindings[key]);
    const client = (await db.client.acquireConnection()) as {
      query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Row[] }>;
    };
    try {
      return await client.query({ name, text: prepared.text, values });
    } finally {
      await db.client.releaseConnection(client);
    }
  };
}
