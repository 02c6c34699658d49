import { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../eventStore';
import { parseStoredJson } from '../../platform';
import { joinPosition, splitPosition, toJson } from '../serialization';
import { getAppendBatcher } from './appendBatch';
import { getChangeSignal } from './changeSignal';
import {
  appendSql,
  currentRevisionSql,
  eventsAboveHorizonSql,
  headPositionSql,
  readAllSql,
  readFilteredBatchSql,
  readBatchSql,
  readStreamSql,
  readStreamsSql,
} from './sql';
import { postgresSubscription } from './postgresSubscription';
import { getRecentEvents } from './recentEvents';

interface EventRow {
  position: string;
  xid: string;
  event_id: string;
  stream_id: string;
  stream_revision: string;
  type: string;
  /** The stored JSON text (selected as text: parsed here, once). */
  data: string;
  metadata: string;
  recorded_ms: number;
}

const toRecordedEvent = (row: EventRow): RecordedEvent => ({
  id: row.event_id,
  streamId: row.stream_id,
  revision: BigInt(row.stream_revision),
  position: joinPosition(row.xid, row.position),
  type: row.type,
  // Logs from before the write side refused unstorable strings (a lone surrogate, NUL): made
  // storable on read, in this one place, so every reader sees the same event (the log stays as it is).
  data: parseStoredJson(row.data),
  metadata: parseStoredJson<Record<string, unknown>>(row.metadata),
  recordedAt: new Date(row.recorded_ms),
});

export interface PostgresEventStoreOptions {
  /** Pool for appends and reads; the store does not end it. */
  pool: Pool;
  /** For the LISTEN connection. */
  connectionString: string;
  /** How long a live subscriber waits for a notification before it polls anyway. */
  pollIntervalMs?: number;
}

type Signal = ReturnType<typeof getChangeSignal>;

async function actualRevision(pool: Pool, streamId: string) {
  const { rows } = await pool.query<{ revision: string }>(currentRevisionSql, [streamId]);
  return rows[0] ? BigInt(rows[0].revision) : ('no_stream' as const);
}

/** An append expecting no stream, an existing one or any: one statement, not batched. */
async function appendUnbatched(
  pool: Pool,
  signal: Signal,
  streamId: string,
  events: NewEvent[],
  expectedRevision: Exclude<ExpectedRevision, bigint>,
): Promise<AppendResult> {
  const params: unknown[] = [
    streamId,
    events.length,
    events.map((e) => e.id ?? uuidv7()),
    events.map((e) => e.type),
    events.map((e) => toJson(e.data)),
    events.map((e) => toJson(e.metadata ?? {})),
  ];
  const { rows } = await pool.query<Pick<EventRow, 'stream_revision' | 'position' | 'xid'>>(
    appendSql[expectedRevision],
    params,
  );
  if (rows.length === 0) {
    throw new WrongExpectedRevisionError(streamId, expectedRevision, await actualRevision(pool, streamId));
  }
  signal.appended();
  const last = rows.reduce((a, b) => (BigInt(a.position) > BigInt(b.position) ? a : b));
  return {
    nextExpectedRevision: BigInt(last.stream_revision),
    position: joinPosition(last.xid, last.position),
  };
}

const readStream =
  (pool: Pool): EventStore['readStream'] =>
  async (streamId, readOptions = {}) => {
    const { rows } = await pool.query<EventRow>({
      name: 'read-stream',
      text: readStreamSql,
      values: [streamId, (readOptions.fromRevision ?? 0n).toString(), readOptions.maxCount ?? null],
    });
    return rows.map(toRecordedEvent);
  };

/** One statement per 1,000 streams (an analyst's what-if reads thousands). */
const readStreams =
  (pool: Pool): EventStore['readStreams'] =>
  async (streamIds) => {
    const result = new Map<string, RecordedEvent[]>(streamIds.map((id) => [id, []]));
    for (let i = 0; i < streamIds.length; i += 1000) {
      const { rows } = await pool.query<EventRow>(readStreamsSql, [streamIds.slice(i, i + 1000)]);
      for (const row of rows) result.get(row.stream_id)!.push(toRecordedEvent(row));
    }
    return result;
  };

const readAll =
  (pool: Pool): EventStore['readAll'] =>
  async ({ after, limit }) => {
    const [xid, position] = after ? splitPosition(after) : [0n, 0n];
    const { rows } = await pool.query<EventRow>(readAllSql, [xid.toString(), position.toString(), limit]);
    return rows.map(toRecordedEvent);
  };

/** A subscription's page of the log, and whether an older transaction still holds events back. */
async function readPage(pool: Pool, after: string | undefined, limit: number) {
  const [xid, position] = after ? splitPosition(after) : [0n, 0n];
  const { rows } = await pool.query<EventRow & { blocked: boolean }>({
    name: 'read-batch', // prepared once per connection, like the append
    text: readBatchSql,
    values: [xid.toString(), position.toString(), limit],
  });
  // An empty page says nothing of the horizon: ask once here, so every subscription sharing this
  // read gets the answer (each asked on its own after the read before: one query per subscriber).
  const blocked = rows.length > 0 ? rows[0]!.blocked : await eventsAboveHorizon(pool);
  return { events: rows.map(toRecordedEvent), blocked };
}

/**
 * The subscriptions of this process (read models, scheduler) follow the same log: each page is
 * read and parsed once and served to the others from memory; identical reads in flight are one.
 */
function sharedPages(pool: Pool) {
  const recent = getRecentEvents();
  const reading = new Map<string, ReturnType<typeof readPage>>();
  return async (after: string | undefined, limit: number) => {
    const held = recent.slice(after, limit);
    if (held) return { events: held, blocked: false, more: true };
    const key = `${after ?? ''}/${limit}`;
    let read = reading.get(key);
    if (!read) {
      read = readPage(pool, after, limit)
        .then((page) => (recent.remember(after, page.events), page))
        .finally(() => reading.delete(key));
      reading.set(key, read);
    }
    return read;
  };
}

/**
 * A page of the log for a subscriber to a few event types, filtered by the database (see
 * readFilteredBatchSql): the wanted events, and how far the page reached.
 */
function filteredPages(pool: Pool, eventTypes: readonly string[]) {
  return async (after: string | undefined, limit: number) => {
    const [xid, position] = after ? splitPosition(after) : [0n, 0n];
    const { rows } = await pool.query<EventRow & { mark: boolean; scanned: number }>({
      name: 'read-filtered-batch',
      text: readFilteredBatchSql,
      values: [xid.toString(), position.toString(), limit, eventTypes],
    });
    const mark = rows.find((r) => r.mark);
    const events = rows.filter((r) => !r.mark).map(toRecordedEvent);
    events.sort((a, b) => (a.position < b.position ? -1 : 1));
    return {
      events,
      scannedTo: mark ? joinPosition(mark.xid, mark.position) : undefined,
      more: mark !== undefined && mark.scanned >= limit,
    };
  };
}

async function eventsAboveHorizon(pool: Pool) {
  const { rows } = await pool.query<{ blocked: boolean }>(eventsAboveHorizonSql);
  return rows[0]?.blocked ?? false;
}

async function headPosition(pool: Pool) {
  const { rows } = await pool.query<Pick<EventRow, 'position' | 'xid'>>(headPositionSql);
  return rows[0] ? joinPosition(rows[0].xid, rows[0].position) : undefined;
}

export function getPostgresEventStore(options: PostgresEventStoreOptions): EventStore {
  const { pool } = options;
  const signal = getChangeSignal(pool, options.connectionString);
  const appendExact = getAppendBatcher(pool, () => signal.appended());
  const readBatch = sharedPages(pool);
  return {
    kind: 'postgres',
    async appendToStream(streamId, events, { expectedRevision }) {
      if (events.length === 0) throw new Error('appendToStream needs at least one event');
      // The hot path (every command on an existing stream): batched with other streams' appends.
      if (typeof expectedRevision === 'bigint') return appendExact(streamId, events, expectedRevision);
      return appendUnbatched(pool, signal, streamId, events, expectedRevision);
    },
    readStream: readStream(pool),
    readStreams: readStreams(pool),
    readAll: readAll(pool),
    headPosition: () => headPosition(pool),
    subscribeToAll: (subscribeOptions) =>
      postgresSubscription(subscribeOptions, {
        readBatch: subscribeOptions.eventTypes ? filteredPages(pool, subscribeOptions.eventTypes) : readBatch,
        eventsAboveHorizon: () => eventsAboveHorizon(pool),
        signal,
        pollIntervalMs: options.pollIntervalMs ?? 1000,
      }),
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await signal.close();
    },
  };
}
