import type { Knex } from 'knex';
import { preparedStatement } from '../platform';

/** Moves a store's checkpoint by compare-and-set: one row back when it was where it was expected. */
export const moveCheckpoint = preparedStatement<{ ok: number }>(
  'checkpoint-move',
  `UPDATE projection_checkpoints SET position = :next, updated_at = now()
   WHERE name = :name AND position = :expected RETURNING 1 AS ok`,
);

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

/** A checkpoint that had nothing to do is written at most this often (a replay redoes nothing). */
const IDLE_CHECKPOINT_MS = 5_000;

/**
 * The checkpoint of a store that most batches do not concern (a sale's events among the bids):
 * it is moved with every batch that wrote something, and otherwise at most every 5 s, so the
 * busy log costs it no write per batch. A crash replays from the last one written: the store's
 * writes must be idempotent (by revision, or by the decider's state). The compare-and-set
 * expects what this run wrote last.
 */
export function lazyCheckpoint(db: Knex, name: string) {
  const stored = storedCheckpoint(db, name);
  let written: { position: string | undefined; at: number } | undefined;
  return {
    async read() {
      const position = await stored.read();
      written = { position, at: Date.now() };
      return position;
    },
    /** Whether this batch must write the checkpoint: it wrote something, or it is time. */
    due: (acted: boolean) => acted || !written || Date.now() - written.at >= IDLE_CHECKPOINT_MS,
    /** The position a compare-and-set expects (after `ensure`). */
    async expected() {
      await stored.ensure();
      return written?.position ?? '';
    },
    moved(next: string) {
      written = { position: next, at: Date.now() };
    },
    /** The position last written (or read at the start), for the runner's heartbeat. */
    written: () => written?.position,
  };
}

/**
 * A lazy checkpoint for a store that readers wait on (X-Min-Position): a batch that concerned it
 * writes it with its rows; a batch that did not leaves its position to a timer that writes it at
 * most `flushMs` later, in turn with the batches. Readers wait that much longer at most, and a
 * busy log of other events costs the store no write per batch; a crash loses at most that
 * position, and the replay redoes nothing.
 */
export function deferredCheckpoint(db: Knex, name: string, flushMs = 50) {
  const checkpoint = lazyCheckpoint(db, name);
  let inTurn: Promise<unknown> = Promise.resolve();
  let pending: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const next = pending;
    pending = undefined;
    if (next === undefined) return;
    inTurn = inTurn
      .then(async () => {
        const { rows } = await moveCheckpoint(db, { name, expected: await checkpoint.expected(), next });
        if (rows.length === 1) checkpoint.moved(next);
      })
      .catch(() => undefined); // the lease moved: the new owner replays from what was written
  };
  return {
    ...checkpoint,
    /** Before a batch: the timer's write done, and its position dropped (the batch carries a later one). */
    async turn() {
      await inTurn;
      pending = undefined;
    },
    /** A batch that wrote nothing: its position, written by the timer. */
    defer(next: string) {
      pending = next;
      timer ??= setTimeout(flush, flushMs).unref();
    },
  };
}
