import type { Knex } from 'knex';
import { fromStoredState, toAuctionView, viewFor, type AuctionView } from '../../auction';
import { readStoredCheckpoint } from '../../projections';
import { NOTIFICATIONS_PROJECTION, type StoredNotification } from '../../projections';
import { toNotification } from '../../notifications';

const encodeWatchCursor = (at: Date, auctionId: string) =>
  Buffer.from(JSON.stringify([at.toISOString(), auctionId])).toString('base64url');

export function decodeWatchCursor(cursor: string): { at: string; auctionId: string } | undefined {
  try {
    const [at, auctionId] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return undefined;
    if (typeof auctionId !== 'string' || !/^[0-9a-f-]{36}$/i.test(auctionId)) return undefined;
    return { at, auctionId };
  } catch {
    return undefined;
  }
}

/** Reads of the notifications projection, one statement each. */
export function getNotificationQueries(knex: Knex) {
  return {
    position: () => readStoredCheckpoint(knex, NOTIFICATIONS_PROJECTION),

    /** The place of a user's newest notification. */
    async latestSeq(userId: string): Promise<string | undefined> {
      const row = await knex('notifications').where('user_id', userId).max('seq as seq').first();
      return row?.seq == null ? undefined : String(row.seq);
    },

    /** A user's notifications after a cursor's, oldest first. */
    async notifications(userId: string, afterSeq: string | undefined, limit: number) {
      const rows = await knex('notifications')
        .where('user_id', userId)
        .andWhere('seq', '>', afterSeq ?? '0')
        .orderBy('seq')
        .limit(limit + 1)
        .select('seq', 'notification_id', 'kind', 'auction_id', 'auction', 'at', 'position');
      const items = rows.slice(0, limit).map((r) =>
        toNotification({
          seq: String(r.seq),
          notificationId: r.notification_id as string,
          userId,
          kind: r.kind as StoredNotification['kind'],
          auctionId: r.auction_id as string,
          auction: r.auction as AuctionView,
          at: (r.at as Date).toISOString(),
          position: r.position as string,
        }),
      );
      return { items, more: rows.length > limit };
    },

    /**
     * What a user watches, the latest watched first, as each auction stands now: from this
     * projection's own tables (its watchers and the auction state it folds), not another's.
     */
    async watchlist(userId: string, now: Date, limit: number, cursor?: { at: string; auctionId: string }) {
      const q = knex('notify_watchers as w')
        .join('notify_auctions as a', 'a.auction_id', 'w.auction_id')
        .where('w.user_id', userId)
        .select('w.auction_id', 'w.watched_at', 'a.state', 'a.revision')
        .orderBy([
          { column: 'w.watched_at', order: 'desc' },
          { column: 'w.auction_id', order: 'desc' },
        ])
        .limit(limit + 1);
      if (cursor) q.whereRaw('(w.watched_at, w.auction_id) < (?, ?)', [cursor.at, cursor.auctionId]);
      const rows = await q;
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) =>
          viewFor(toAuctionView(fromStoredState(r.state), Number(r.revision), now.getTime()), userId),
        ),
        nextCursor:
          rows.length > limit && last
            ? encodeWatchCursor(last.watched_at as Date, last.auction_id as string)
            : null,
      };
    },
  };
}

export type NotificationQueries = ReturnType<typeof getNotificationQueries>;
