import type { ChangeMessage } from '../../projections';

export interface HotView {
  viewJson: string;
  sellerId: string;
  reserve: number | null;
  leader: string | null;
  ceiling: number | null;
  revision: number;
  /** The ETag of `viewJson`, computed on first use. */
  etag?: string;
  /** The Redis read model's position this entry is known to be current at. */
  position: string;
  /** Subscription epoch the entry was stored in. */
  epoch: number;
  storedAt: number;
}

/**
 * Views of hot auctions in this process's memory, kept current by the change feed: a read
 * needs no round trip. An entry is trusted while the feed has been up since it was stored
 * (then it is current as of the feed's last position) and for at most `ttlMs` regardless.
 */
export function getHotViews(options: { maxEntries?: number; ttlMs?: number } = {}) {
  const maxEntries = options.maxEntries ?? 10_000;
  const ttlMs = options.ttlMs ?? 5_000;
  const entries = new Map<string, HotView>();
  let epoch = 0;
  let feedPosition = '';

  return {
    /** A trusted entry and the position it is current at, or undefined. */
    get(auctionId: string, now: number): { view: HotView; position: string } | undefined {
      const view = entries.get(auctionId);
      if (!view) return undefined;
      if (view.epoch !== epoch || now - view.storedAt > ttlMs) {
        entries.delete(auctionId);
        return undefined;
      }
      return { view, position: feedPosition > view.position ? feedPosition : view.position };
    },
    set(auctionId: string, view: Omit<HotView, 'epoch' | 'storedAt'>, now: number) {
      // Read before a change the feed already delivered (and dropped, as the auction was not
      // cached then): it may be stale, so serve it this once but do not keep it.
      if (view.position < feedPosition) return;
      entries.delete(auctionId);
      entries.set(auctionId, { ...view, epoch, storedAt: now });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    apply(message: ChangeMessage, now: number) {
      for (const a of message.auctions) {
        const current = entries.get(a.auctionId);
        if (current && current.revision < a.revision) {
          // The view only: the batch's events are the gateway's, not worth keeping here.
          entries.set(a.auctionId, {
            viewJson: a.viewJson,
            sellerId: a.sellerId,
            reserve: a.reserve,
            leader: a.leader,
            ceiling: a.ceiling,
            revision: a.revision,
            position: message.position,
            epoch,
            storedAt: now,
          });
        }
      }
      if (message.position > feedPosition) feedPosition = message.position;
    },
    /** The feed (re)connected or broke: nothing stored before can be trusted to be current. */
    reset() {
      epoch++;
      entries.clear();
      feedPosition = '';
    },
  };
}

export type HotViews = ReturnType<typeof getHotViews>;
