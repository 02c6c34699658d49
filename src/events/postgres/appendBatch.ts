import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { WrongExpectedRevisionError, type AppendResult, type NewEvent } from '../eventStore';
import { joinPosition, toJson } from '../serialization';

/**
 * Appends to many streams, each at its exact expected revision, in one statement and one commit.
 * The streams' rows are claimed by an INSERT ... ON CONFLICT that visits them in stream order
 * (so two batches, of two instances, always lock in the same order and cannot deadlock); a
 * stream whose revision is not the expected one is skipped, and only its append fails.
 */
export const appendBatchSql = `
  WITH req AS (
    SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[]) AS r(stream_id, n, expected)
  ), s AS (
    INSERT INTO event_streams AS es (stream_id, revision)
    SELECT req.stream_id, req.expected + req.n FROM req
    WHERE EXISTS (SELECT 1 FROM event_streams x WHERE x.stream_id = req.stream_id)
    ORDER BY req.stream_id
    ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision
    WHERE es.revision = (SELECT expected FROM req WHERE req.stream_id = es.stream_id)
    RETURNING es.stream_id, es.revision
  )
  INSERT INTO events (event_id, stream_id, stream_revision, type, data, metadata)
  SELECT e.id, e.stream_id, s.revision - req.n + e.ord, e.type, e.data, e.metadata
  FROM unnest($4::uuid[], $5::text[], $6::int[], $7::text[], $8::json[], $9::json[])
    WITH ORDINALITY AS e(id, stream_id, ord, type, data, metadata, i)
  JOIN s USING (stream_id) JOIN req USING (stream_id)
  ORDER BY e.i
  RETURNING stream_id, stream_revision, position, transaction_id::text AS xid`;

const revisionsSql = 'SELECT stream_id, revision FROM event_streams WHERE stream_id = ANY($1::text[])';

export interface PendingAppend {
  streamId: string;
  events: NewEvent[];
  expected: bigint;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/** Runs one batch (each stream once): resolves each append, or rejects it with its own conflict. */
export async function appendBatch(pool: Pool, batch: PendingAppend[]): Promise<void> {
  const events = batch.flatMap((p) => p.events.map((e, i) => ({ ...e, streamId: p.streamId, ord: i + 1 })));
  const { rows } = await pool.query<{
    stream_id: string;
    stream_revision: string;
    position: string;
    xid: string;
  }>({
    // Prepared once per connection: the statement is parsed and planned once, not per batch.
    name: 'append-batch',
    text: appendBatchSql,
    values: [
      batch.map((p) => p.streamId),
      batch.map((p) => p.events.length),
      batch.map((p) => p.expected.toString()),
      events.map((e) => e.id ?? uuidv7()),
      events.map((e) => e.streamId),
      events.map((e) => e.ord),
      events.map((e) => e.type),
      events.map((e) => toJson(e.data)),
      events.map((e) => toJson(e.metadata ?? {})),
    ],
  });
  const last = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    const seen = last.get(row.stream_id);
    if (!seen || BigInt(row.position) > BigInt(seen.position)) last.set(row.stream_id, row);
  }
  const refused = batch.filter((p) => !last.has(p.streamId));
  const actual = new Map<string, bigint>();
  if (refused.length) {
    const { rows: current } = await pool.query<{ stream_id: string; revision: string }>(revisionsSql, [
      refused.map((p) => p.streamId),
    ]);
    for (const r of current) actual.set(r.stream_id, BigInt(r.revision));
  }
  for (const p of batch) {
    const row = last.get(p.streamId);
    if (row)
      p.resolve({
        nextExpectedRevision: BigInt(row.stream_revision),
        position: joinPosition(row.xid, row.position),
      });
    else
      p.reject(new WrongExpectedRevisionError(p.streamId, p.expected, actual.get(p.streamId) ?? 'no_stream'));
  }
}

/** Takes up to `max` pending appends off the queue, at most one per stream (the others wait their turn). */
function takeBatch(queue: PendingAppend[], max: number): PendingAppend[] {
  const batch: PendingAppend[] = [];
  const streams = new Set<string>();
  for (let i = 0; i < queue.length && batch.length < max;) {
    const p = queue[i]!;
    if (streams.has(p.streamId)) {
      i++;
      continue;
    }
    streams.add(p.streamId);
    batch.push(p);
    queue.splice(i, 1);
  }
  return batch;
}

/**
 * Group commit for exact-revision appends: an append goes out at once when a statement slot is
 * free; appends arriving while `maxInFlight` statements run wait and go out together in the next
 * one. So under load one statement and one commit carry many streams' appends, and at rest an
 * append waits for nothing. A batch that fails as a whole is retried one append at a time, so a
 * fault in one never fails another.
 */
export function getAppendBatcher(
  pool: Pool,
  onAppended: () => void,
  options: { maxInFlight?: number; maxBatch?: number } = {},
) {
  const maxInFlight = options.maxInFlight ?? 2;
  const maxBatch = options.maxBatch ?? 100;
  const queue: PendingAppend[] = [];
  let inFlight = 0;

  const run = async (batch: PendingAppend[]) => {
    try {
      await appendBatch(pool, batch);
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(batch.map((p) => appendBatch(pool, [p]).catch(p.reject)));
    }
    onAppended();
  };
  const pump = () => {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = takeBatch(queue, maxBatch);
      inFlight++;
      void run(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  };
  return (streamId: string, events: NewEvent[], expected: bigint) =>
    new Promise<AppendResult>((resolve, reject) => {
      queue.push({ streamId, events, expected, resolve, reject });
      pump();
    });
}
