import type { Knex } from 'knex';

/**
 * One runner per projection across instances: a lease row with an expiry, renewed by the holder.
 * A holder that dies stops renewing and another instance takes over once it expires.
 */
export interface Leases {
  /** Takes or renews the lease; false when another owner holds an unexpired one. */
  acquire(name: string, owner: string): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
  holder(name: string): Promise<string | undefined>;
}

const ACQUIRE_SQL = `
  INSERT INTO projection_leases (name, owner, expires_at) VALUES (?, ?, now() + make_interval(secs => ?))
  ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
  WHERE projection_leases.owner = EXCLUDED.owner OR projection_leases.expires_at < now()
  RETURNING owner`;

export function getLeases(knex: Knex, ttlSeconds: number): Leases {
  return {
    async acquire(name, owner) {
      const { rows } = await knex.raw<{ rows: unknown[] }>(ACQUIRE_SQL, [name, owner, ttlSeconds]);
      return rows.length === 1;
    },
    async release(name, owner) {
      await knex('projection_leases').where({ name, owner }).delete();
    },
    async holder(name) {
      const row = await knex('projection_leases')
        .where({ name })
        .andWhere('expires_at', '>', knex.fn.now())
        .first('owner');
      return row?.owner as string | undefined;
    },
  };
}
