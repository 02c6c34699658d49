import type { Knex } from 'knex';

/** The checkpoint row of a store kept in `projection_checkpoints`: read, or created once per store. */
export function storedCheckpoint(db: Knex, name: string) {
  let created = false;
  return {
    read: () => readStoredCheckpoint(db, name),
    async ensure() {
      if (created) return;
      await db('projection_checkpoints').insert({ name, position: '' }).onConflict('name').ignore();
      created = true;
    },
  };
}

/** A checkpoint kept in `projection_checkpoints` (an empty position means none yet). */
export async function readStoredCheckpoint(db: Knex, name: string): Promise<string | undefined> {
  const row = await db('projection_checkpoints').where({ name }).first('position');
  return (row?.position as string) || undefined;
}
