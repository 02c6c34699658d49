import { storedStateJson } from '../../auction';
import type { Knex } from 'knex';
import { fromStoredState } from '../../auction';
import { jsonRowsWith, preparedStatement } from '../../platform';
import { CheckpointMovedError, type ProjectionStore } from '../projectionStore';
import { getStateCache } from '../stateCache';
import { storedCheckpoint } from '../storedCheckpoint';
import {
  auctionIdsOf,
  planNotifications,
  saleIdsOf,
  type AuctionFacts,
  type NotificationRow,
} from '../../notifications';

export const NOTIFICATIONS_PROJECTION = 'notifications';

/** A notification as stored: with its place in the table's order (its cursor). */
export type StoredNotification = NotificationRow & { seq: string };

/** The last change per (user, auction or sale) of a batch: what the table must say after it. */
function finalWatchStates<C extends { userId: string }>(changes: C[], keyOf: (c: C) => string): C[] {
  const last = new Map<string, C>();
  for (const c of changes) last.set(`${c.userId}/${keyOf(c)}`, c);
  return [...last.values()];
}

/**
 * One statement writes a batch: the checkpoint by compare-and-set, the facts, the watchers and
 * the notifications (in their order, so the table's order is the log's); when the checkpoint is
 * not where the runner left it, nothing is written. It answers with the rows that were new.
 */
const writeBatchSql = `
  WITH cp AS (
    UPDATE projection_checkpoints SET position = :next, updated_at = now()
    WHERE name = :name AND position = :expected RETURNING 1 AS ok
  ), a AS (
    INSERT INTO notify_auctions (auction_id, revision, state, bidders, answered)
    SELECT x.auction_id, x.revision, x.state, ARRAY(SELECT jsonb_array_elements_text(x.bidders))::uuid[], x.answered
    FROM jsonb_to_recordset(:auctions::jsonb) AS x(auction_id uuid, revision bigint, state jsonb, bidders jsonb, answered uuid)
    WHERE EXISTS (SELECT 1 FROM cp)
    ON CONFLICT (auction_id) DO UPDATE SET revision = EXCLUDED.revision, state = EXCLUDED.state,
      bidders = EXCLUDED.bidders, answered = EXCLUDED.answered
  ), watch AS (
    INSERT INTO notify_watchers (auction_id, user_id, watched_at)
    SELECT * FROM jsonb_to_recordset(:watching::jsonb) AS x(auction_id uuid, user_id uuid, watched_at timestamptz)
    WHERE EXISTS (SELECT 1 FROM cp)
    ON CONFLICT (auction_id, user_id) DO UPDATE SET watched_at = EXCLUDED.watched_at
  ), unwatch AS (
    DELETE FROM notify_watchers w USING jsonb_to_recordset(:unwatching::jsonb) AS x(auction_id uuid, user_id uuid)
    WHERE w.auction_id = x.auction_id AND w.user_id = x.user_id AND EXISTS (SELECT 1 FROM cp)
  ), sale_watch AS (
    INSERT INTO notify_sale_watchers (sale_id, user_id, watched_at)
    SELECT * FROM jsonb_to_recordset(:saleWatching::jsonb) AS x(sale_id uuid, user_id uuid, watched_at timestamptz)
    WHERE EXISTS (SELECT 1 FROM cp)
    ON CONFLICT (sale_id, user_id) DO UPDATE SET watched_at = EXCLUDED.watched_at
  ), sale_unwatch AS (
    DELETE FROM notify_sale_watchers w USING jsonb_to_recordset(:saleUnwatching::jsonb) AS x(sale_id uuid, user_id uuid)
    WHERE w.sale_id = x.sale_id AND w.user_id = x.user_id AND EXISTS (SELECT 1 FROM cp)
  ), n AS (
    INSERT INTO notifications (notification_id, user_id, kind, auction_id, auction, at, position)
    SELECT x.notification_id, x.user_id, x.kind, x.auction_id, x.auction, x.at, x.position
    FROM jsonb_to_recordset(:notifications::jsonb) AS x(notification_id uuid, user_id uuid,
      kind text, auction_id uuid, auction jsonb, at timestamptz, position text, ord int)
    WHERE EXISTS (SELECT 1 FROM cp)
    ORDER BY x.ord
    ON CONFLICT (notification_id) DO NOTHING
    RETURNING seq, notification_id
  )
  SELECT (SELECT count(*) FROM cp)::int AS ok,
    coalesce((SELECT json_agg(json_build_array(notification_id, seq::text)) FROM n), '[]'::json) AS inserted`;
const writeBatch = preparedStatement<{ ok: number; inserted: Array<[string, string]> }>(
  'notifications-batch',
  writeBatchSql,
);

type Held = { facts: AuctionFacts | undefined; watchers: Set<string> };
type Plan = ReturnType<typeof planNotifications>;

/** The stored facts and watchers of auctions this run does not hold. */
async function readStored(
  db: Knex,
  ids: string[],
  facts: Map<string, AuctionFacts>,
  watchers: Map<string, Set<string>>,
) {
  const [auctions, watching] = await Promise.all([
    db('notify_auctions')
      .whereIn('auction_id', ids)
      .select('auction_id', 'revision', 'state', 'bidders', 'answered'),
    db('notify_watchers').whereIn('auction_id', ids).select('auction_id', 'user_id'),
  ]);
  for (const r of auctions)
    facts.set(r.auction_id as string, {
      state: fromStoredState(r.state),
      revision: Number(r.revision),
      bidders: r.bidders as string[],
      answered: (r.answered as string | null) ?? null,
    });
  for (const r of watching) {
    const users = watchers.get(r.auction_id as string) ?? new Set<string>();
    users.add(r.user_id as string);
    watchers.set(r.auction_id as string, users);
  }
}

/** Who watches each of these sales (read only when a batch needs it: few do). */
async function saleWatchersOf(db: Knex, saleIds: string[]) {
  const watchers = new Map<string, Set<string>>();
  if (saleIds.length === 0) return watchers;
  for (const r of await db('notify_sale_watchers').whereIn('sale_id', saleIds).select('sale_id', 'user_id')) {
    const users = watchers.get(r.sale_id as string) ?? new Set<string>();
    users.add(r.user_id as string);
    watchers.set(r.sale_id as string, users);
  }
  return watchers;
}

/** What the batch starts from: held by this run, else read back. */
async function load(db: Knex, cache: ReturnType<typeof getStateCache<Held>>, ids: string[]) {
  const facts = new Map<string, AuctionFacts>();
  const watchers = new Map<string, Set<string>>();
  const { found, missing } = cache.lookup(ids);
  for (const [id, held] of found) {
    if (held.facts) facts.set(id, held.facts);
    watchers.set(id, new Set(held.watchers));
  }
  if (missing.length > 0) await readStored(db, missing, facts, watchers);
  return { facts, watchers };
}

/** The batch statement's JSON parameters: the facts, watch changes and notifications a plan made. */
function batchRows(plan: Plan) {
  const watchStates = finalWatchStates(plan.watchChanges, (c) => c.auctionId);
  const saleStates = finalWatchStates(plan.saleWatchChanges, (c) => c.saleId);
  return {
    auctions: jsonRowsWith(
      [...plan.auctions].map(([auctionId, f]) => ({
        auction_id: auctionId,
        revision: f.revision,
        state: f.state,
        bidders: f.bidders,
        answered: f.answered,
      })),
      'state',
      (row) => storedStateJson(row.state),
    ),
    watching: JSON.stringify(
      watchStates
        .filter((c) => c.watching)
        .map((c) => ({ auction_id: c.auctionId, user_id: c.userId, watched_at: c.at })),
    ),
    unwatching: JSON.stringify(
      watchStates.filter((c) => !c.watching).map((c) => ({ auction_id: c.auctionId, user_id: c.userId })),
    ),
    saleWatching: JSON.stringify(
      saleStates
        .filter((c) => c.watching)
        .map((c) => ({ sale_id: c.saleId, user_id: c.userId, watched_at: c.at })),
    ),
    saleUnwatching: JSON.stringify(
      saleStates.filter((c) => !c.watching).map((c) => ({ sale_id: c.saleId, user_id: c.userId })),
    ),
    notifications: JSON.stringify(
      plan.notifications.map((n, ord) => ({
        ord,
        notification_id: n.notificationId,
        user_id: n.userId,
        kind: n.kind,
        auction_id: n.auctionId,
        auction: n.auction,
        at: n.at,
        position: n.position,
      })),
    ),
  };
}

/**
 * The notifications projection's store: each batch's notifications, the facts they were planned
 * from and the checkpoint in one statement, so a cause is planned exactly once; a notification's
 * id is a function of its cause, and the table keeps each id once, so even a rebuild from the
 * start of the log re-derives the same rows (and tells nobody again: `onCommitted` gets only rows
 * that were not there).
 */
export function notificationStore(
  db: Knex,
  onCommitted?: (notifications: StoredNotification[]) => void,
): ProjectionStore {
  const name = NOTIFICATIONS_PROJECTION;
  // What this run committed last, per auction: its facts and its watchers (see getStateCache).
  const cache = getStateCache<Held>();
  const checkpoint = storedCheckpoint(db, name);
  return {
    name,
    readCheckpoint: checkpoint.read,
    async applyBatch(events, expected, next) {
      await checkpoint.ensure();
      const ids = auctionIdsOf(events);
      const { facts, watchers } = await load(db, cache, ids);
      const plan = planNotifications(
        facts,
        watchers,
        events,
        await saleWatchersOf(db, saleIdsOf(events, facts)),
      );
      const { rows } = await writeBatch(db, { name, next, expected: expected ?? '', ...batchRows(plan) });
      if (rows[0]?.ok !== 1) throw new CheckpointMovedError(`${name} checkpoint moved`);
      const seqOf = new Map(rows[0].inserted);
      cache.remember(
        new Map(
          ids.map((id) => [
            id,
            { facts: plan.auctions.get(id) ?? facts.get(id), watchers: plan.watchers.get(id) ?? new Set() },
          ]),
        ),
      );
      const inserted = plan.notifications
        .filter((n) => seqOf.has(n.notificationId))
        .map((n) => ({ ...n, seq: seqOf.get(n.notificationId)! }));
      if (inserted.length > 0) onCommitted?.(inserted);
      return [];
    },
  };
}
