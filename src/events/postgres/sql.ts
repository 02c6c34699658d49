/** The SQL of the PostgreSQL event store, one statement per use. */

const INSERT_EVENTS = `
  INSERT INTO events (event_id, stream_id, stream_revision, type, data, metadata)
  SELECT e.id, $1, s.revision - $2 + e.ord, e.type, e.data, e.metadata
  FROM s, unnest($3::uuid[], $4::text[], $5::json[], $6::json[])
    WITH ORDINALITY AS e(id, type, data, metadata, ord)
  RETURNING stream_revision, position, transaction_id::text AS xid`;

/**
 * Each append is one statement, so one short implicit transaction: claim revisions, insert.
 * Exact-revision appends go through appendBatch.ts instead, many streams to a statement.
 */
export const appendSql = {
  no_stream: `WITH s AS (
      INSERT INTO event_streams (stream_id, revision) VALUES ($1, $2 - 1)
      ON CONFLICT (stream_id) DO NOTHING RETURNING revision)
    ${INSERT_EVENTS}`,
  stream_exists: `WITH s AS (
      UPDATE event_streams SET revision = revision + $2 WHERE stream_id = $1 RETURNING revision)
    ${INSERT_EVENTS}`,
  any: `WITH s AS (
      INSERT INTO event_streams (stream_id, revision) VALUES ($1, $2 - 1)
      ON CONFLICT (stream_id) DO UPDATE SET revision = event_streams.revision + $2 RETURNING revision)
    ${INSERT_EVENTS}`,
};

export const currentRevisionSql = 'SELECT revision FROM event_streams WHERE stream_id = $1';

// The time recorded as whole milliseconds since the epoch (exact: extract gives numeric): a
// number is far cheaper to read than a timestamp's text, and a Date keeps milliseconds only.
const EVENT_COLUMNS = `position, transaction_id::text AS xid, event_id, stream_id,
  stream_revision, type, data::text AS data, metadata::text AS metadata,
  trunc(extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_ms`;

export const readStreamSql = `SELECT ${EVENT_COLUMNS} FROM events
  WHERE stream_id = $1 AND stream_revision >= $2
  ORDER BY stream_revision LIMIT $3`;

export const readStreamsSql = `SELECT ${EVENT_COLUMNS} FROM events
  WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_revision`;

/**
 * Whether any event's transaction is at or above the horizon, asked of the newest event only:
 * one step down the global-order index. (Asked as `EXISTS (... WHERE transaction_id >= horizon)`
 * the planner cannot estimate the horizon and scans the whole table: 3.5 ms at 15,000 events.)
 */
const BLOCKED = `coalesce((SELECT transaction_id FROM events ORDER BY transaction_id DESC, position DESC LIMIT 1)
    >= pg_snapshot_xmin(pg_current_snapshot()), false)`;

/**
 * Global order is (transaction id, position), read only below the oldest transaction still in
 * flight: every transaction there has finished, so nothing can appear later in the range read.
 */
export const readAllSql = `SELECT ${EVENT_COLUMNS} FROM events
  WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY transaction_id, position LIMIT $3`;

/**
 * The same read for subscribers, with a flag on each row telling whether committed events wait
 * above the horizon (a transaction below them is still in flight): one round trip, not two.
 */
export const readBatchSql = `SELECT ${EVENT_COLUMNS}, ${BLOCKED} AS blocked
  FROM events
  WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY transaction_id, position LIMIT $3`;

/** True when committed events wait above the horizon (a transaction below them is in flight). */
export const eventsAboveHorizonSql = `SELECT ${BLOCKED} AS blocked`;

export const headPositionSql = `SELECT position, transaction_id::text AS xid FROM events
  WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY transaction_id DESC, position DESC LIMIT 1`;

export const NOTIFY_CHANNEL = 'event_store_appended';

/**
 * A subscriber's page of the log that keeps only some event types, filtered here: a page of at
 * most $3 events of the log (below the horizon, as readBatchSql) is scanned by the global-order
 * index, only the wanted ones are read whole, and one more row marks where the page ended, so
 * the subscriber moves past the events it does not want without reading them.
 */
export const readFilteredBatchSql = `WITH page AS MATERIALIZED (
    SELECT transaction_id, position, type = ANY($4::text[]) AS wanted FROM events
    WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY transaction_id, position LIMIT $3)
  SELECT e.position, e.transaction_id::text AS xid, e.event_id, e.stream_id, e.stream_revision, e.type,
      e.data::text AS data, e.metadata::text AS metadata,
      trunc(extract(epoch FROM e.recorded_at) * 1000)::float8 AS recorded_ms, false AS mark, 0 AS scanned
    FROM page p JOIN events e ON (e.transaction_id, e.position) = (p.transaction_id, p.position) WHERE p.wanted
  UNION ALL
  (SELECT p.position, p.transaction_id::text, NULL, NULL, NULL, NULL, NULL, NULL, NULL, true,
      (SELECT count(*) FROM page)::int
    FROM page p ORDER BY p.transaction_id DESC, p.position DESC LIMIT 1)`;
