import type { Knex } from 'knex';
import { fromStoredState, toStoredState } from '../auction';
import {
  CheckpointMovedError,
  getStateCache,
  readStoredCheckpoint,
  type ProjectionStore,
} from '../projections';
import {
  auctionIdsOf,
  planNotifications,
  type AuctionFacts,
  type NotificationRow,
  type WatchChange,
} from './notificationRules';

export const NOTIFICATIONS_PROJECTION = 'notifications';

/** A notification as stored: with its place in the table's order (its cursor). */
export type StoredNotification = NotificationRow & { seq: string };

/** The last change per (user, auction) of a batch: what the table must say after it. */
function finalWatchStates(changes: WatchChange[]): WatchChange[] {
  const last = new Map<string, WatchChange>();
  for (const c of changes) last.set(`${c.userId}/${c.auctionId}`, c);
  return [...last.values()];
}

/**
 * The notifications projection's store: each batch's notifications, the facts they were planned
 * from and the checkpoint in one transaction, so a cause is planned exactly once; a notification's
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
  const cache = getStateCache<{ facts: AuctionFacts | undefined; watchers: Set<string> }>();
  return {
    name,
    readCheckpoint: () => readStoredCheckpoint(db, name),
    async applyBatch(events, expected, next) {
      const ids = auctionIdsOf(events);
      const facts = new Map<string, AuctionFacts>();
      const watchers = new Map<string, Set<string>>();
      if (ids.length > 0) {
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
      const plan = planNotifications(facts, watchers, events);
      const inserted = await db.transaction(async (trx) => {
        await trx('projection_checkpoints').insert({ name, position: '' }).onConflict('name').ignore();
        const moved = await trx('projection_checkpoints')
          .where({ name, position: expected ?? '' })
          .update({ position: next, updated_at: trx.fn.now() });
        if (moved !== 1) throw new CheckpointMovedError(`${name} checkpoint moved`);
        if (plan.auctions.size > 0)
          await trx('notify_auctions')
            .insert(
              [...plan.auctions].map(([auctionId, f]) => ({
                auction_id: auctionId,
                revision: f.revision,
                state: JSON.stringify(toStoredState(f.state)),
                bidders: f.bidders,
                answered: f.answered,
              })),
            )
            .onConflict('auction_id')
            .merge();
        const watchStates = finalWatchStates(plan.watchChanges);
        const on = watchStates.filter((c) => c.watching);
        const off = watchStates.filter((c) => !c.watching);
        if (on.length > 0)
          await trx('notify_watchers')
            .insert(on.map((c) => ({ auction_id: c.auctionId, user_id: c.userId, watched_at: c.at })))
            .onConflict(['auction_id', 'user_id'])
            .merge();
        for (const c of off)
          await trx('notify_watchers').where({ auction_id: c.auctionId, user_id: c.userId }).del();
        if (plan.notifications.length === 0) return [];
        const rows = await trx('notifications')
          .insert(
            plan.notifications.map((n) => ({
              notification_id: n.notificationId,
              user_id: n.userId,
              kind: n.kind,
              auction_id: n.auctionId,
              auction: JSON.stringify(n.auction),
              at: n.at,
              position: n.position,
            })),
          )
          .onConflict('notification_id')
          .ignore()
          .returning(['seq', 'notification_id']);
        const seqOf = new Map(
          rows.map((r: { seq: string; notification_id: string }) => [r.notification_id, String(r.seq)]),
        );
        return plan.notifications
          .filter((n) => seqOf.has(n.notificationId))
          .map((n) => ({ ...n, seq: seqOf.get(n.notificationId)! }));
      });
      cache.remember(
        new Map(
          ids.map((id) => [
            id,
            { facts: plan.auctions.get(id) ?? facts.get(id), watchers: plan.watchers.get(id) ?? new Set() },
          ]),
        ),
      );
      if (inserted.length > 0) onCommitted?.(inserted);
      return [];
    },
  };
}
