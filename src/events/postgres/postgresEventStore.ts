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
import { storableJson } from '../../platform';
import { joinPosition, splitPosition, toJson } from '../serialization';
import { getAppendBatcher } from './appendBatch';
import { getChangeSignal } from './changeSignal';
import {
  appendSql,
  currentRevisionSql,
  eventsAboveHorizonSql,
  headPositionSql,
  readAllSql,
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
  data: unknown;
  metadata: Record<string, unknown>;
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
  data: storableJson(row.data),
  metadata: storableJson(row.metadata),
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

export function getPostgresEventStore(options: PostgresEventStoreOptions): EventStore {
  const { pool } = options;
  const signal = getChangeSignal(pool, options.connectionString);
  const appendExact = getAppendBatcher(pool, () => signal.appended());

  const actualRevision = async (streamId: string) => {
    const { rows } = await pool.query<{ revision: string }>(currentRevisionSql, [streamId]);
    return rows[0] ? BigInt(rows[0].revision) : ('no_stream' as const);
  };

  const appendToStream = async (
    streamId: string,
    events: NewEvent[],
    { expectedRevision }: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> => {
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    // The hot path (every command on an existing stream): batched with other streams' appends.
    if (typeof expectedRevision === 'bigint') return appendExact(streamId, events, expectedRevision);
    const sql = appendSql[expectedRevision];
    const params: unknown[] = [
      streamId,
      events.length,
      events.map((e) => e.id ?? uuidv7()),
      events.map((e) => e.type),
      events.map((e) => toJson(e.data)),
      events.map((e) => toJson(e.metadata ?? {})),
    ];
    const { rows } = await pool.query<Pick<EventRow, 'stream_revision' | 'position' | 'xid'>>(sql, params);
    if (rows.length === 0) {
      throw new WrongExpectedRevisionError(streamId, expectedRevision, await actualRevision(streamId));
    }
    signal.appended();
    const last = rows.reduce((a, b) => (BigInt(a.position) > BigInt(b.position) ? a : b));
    return {
      nextExpectedRevision: BigInt(last.stream_revision),
      position: joinPosition(last.xid, last.position),
    };
  };

  const readStream: EventStore['readStream'] = async (streamId, readOptions = {}) => {
    const { rows } = await pool.query<EventRow>({
      name: 'read-stream',
      text: readStreamSql,
      values: [streamId, (readOptions.fromRevision ?? 0n).toString(), readOptions.maxCount ?? null],
    });
    return rows.map(toRecordedEvent);
  };

  // One statement per 1,000 streams (an analyst's what-if reads thousands).
  const readStreams: EventStore['readStreams'] = async (streamIds) => {
    const result = new Map<string, RecordedEvent[]>(streamIds.map((id) => [id, []]));
    for (let i = 0; i < streamIds.length; i += 1000) {
      const { rows } = await pool.query<EventRow>(readStreamsSql, [streamIds.slice(i, i + 1000)]);
      for (const row of rows) result.get(row.stream_id)!.push(toRecordedEvent(row));
    }
    return result;
  };

  const readAll: EventStore['readAll'] = async ({ after, limit }) => {
    const [xid, position] = after ? splitPosition(after) : [0n, 0n];
    const { rows } = await pool.query<EventRow>(readAllSql, [xid.toString(), position.toString(), limit]);
    return rows.map(toRecordedEvent);
  };

  const fromDatabase = async (after: string | undefined, limit: number) => {
    const [xid, position] = after ? splitPosition(after) : [0n, 0n];
    const { rows } = await pool.query<EventRow & { blocked: boolean }>({
      name: 'read-batch', // prepared once per connection, like the append
      text: readBatchSql,
      values: [xid.toString(), position.toString(), limit],
    });
    return { events: rows.map(toRecordedEvent), blocked: rows[0]?.blocked };
  };

  // The subscriptions of this process (read models, scheduler) follow the same log: each page is
  // read and parsed once and served to the others from memory; identical reads in flight are one.
  const recent = getRecentEvents();
  const reading = new Map<string, ReturnType<typeof fromDatabase>>();
  const readBatch = async (after: string | undefined, limit: number) => {
    const held = recent.slice(after, limit);
    if (held) return { events: held, blocked: false, more: true };
    const key = `${after ?? ''}/${limit}`;
    let read = reading.get(key);
    if (!read) {
      read = fromDatabase(after, limit)
        .then((page) => (recent.remember(after, page.events), page))
        .finally(() => reading.delete(key));
      reading.set(key, read);
    }
    return read;
  };

  const eventsAboveHorizon = async () => {
    const { rows } = await pool.query<{ blocked: boolean }>(eventsAboveHorizonSql);
    return rows[0]?.blocked ?? false;
  };

  return {
    kind: 'postgres',
    appendToStream,
    readStream,
    readStreams,
    readAll,
    async headPosition() {
      const { rows } = await pool.query<Pick<EventRow, 'position' | 'xid'>>(headPositionSql);
      return rows[0] ? joinPosition(rows[0].xid, rows[0].position) : undefined;
    },
    subscribeToAll: (subscribeOptions) =>
      postgresSubscription(subscribeOptions, {
        readBatch,
        eventsAboveHorizon,
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
