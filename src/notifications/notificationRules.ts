import {
  auctionIdOfStream,
  type Auction,
  type AuctionClosed,
  type BidPlaced,
  sharedFoldStep,
  toAuctionView,
  viewFor,
  type AuctionView,
} from '../auction';
import type { RecordedEvent } from '../events';
import { nameUuids } from '../platform';
import { isUserEventType, userIdOfStream, type AuctionWatched } from '../watching';

export type NotificationKind = 'outbid' | 'won' | 'lost' | 'ending_soon' | 'cancelled';

/** What the notifications projection keeps of each auction: its state and who bid in it. */
export interface AuctionFacts {
  state: Auction;
  revision: number;
  bidders: string[];
  /**
   * A bidder whose bid did not take the lead: the leader's proxy answers it in the same decision,
   * with the next event, and that answer (with the price it set) is what they are told of.
   */
  answered: string | null;
}

export interface NotificationRow {
  notificationId: string;
  userId: string;
  kind: NotificationKind;
  auctionId: string;
  /** The auction right after the cause, as this user may see it. */
  auction: AuctionView;
  /** When the cause was recorded. */
  at: string;
  /** The cause's position in the log. */
  position: string;
}

export interface WatchChange {
  userId: string;
  auctionId: string;
  watching: boolean;
  at: string;
}

// Fixed: a notification's id is a function of its cause, so deriving it again (a replay, a
// rebuild, a second instance) gives the same row, which the table keeps once.
const notificationUuid = nameUuids('2f6c3a1e-7a51-4d0b-9a0f-6d1b8c7e5a42');
export const notificationIdOf = (eventId: string, kind: NotificationKind, userId: string) =>
  notificationUuid(`${eventId}/${kind}/${userId}`);

/** The auctions and watchlists a batch touches, for loading what the plan starts from. */
export function auctionIdsOf(events: RecordedEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    const auctionId = auctionIdOfStream(e.streamId);
    if (auctionId) ids.add(auctionId);
    else if (userIdOfStream(e.streamId) && isUserEventType(e.type))
      ids.add((e.data as AuctionWatched).auctionId);
  }
  return [...ids];
}

/**
 * Pure: the notifications a batch of the log causes, in log order, and the facts after it.
 * - `outbid`: a bid (or a proxy's automatic answer) took the lead from you; or your own bid did
 *   not take it, because the leader's proxy answered it at once (told with that answer).
 * - `won` / `lost`: at the close, to the winner and to everyone else who bid.
 * - `ending_soon`: the auction's ending-soon notice, to whoever bid in it or watches it then.
 * - `cancelled`: to whoever bid in it or watches it.
 * Events at or below an auction's stored revision were planned already and are skipped.
 */
export function planNotifications(
  facts: Map<string, AuctionFacts>,
  watchers: Map<string, Set<string>>,
  events: RecordedEvent[],
) {
  const auctions = new Map(facts);
  const watching = new Map([...watchers].map(([id, users]) => [id, new Set(users)]));
  const notifications: NotificationRow[] = [];
  const watchChanges: WatchChange[] = [];
  const changed = new Set<string>();

  for (const recorded of events) {
    const userId = userIdOfStream(recorded.streamId);
    if (userId) {
      if (!isUserEventType(recorded.type)) continue;
      const { auctionId } = recorded.data as AuctionWatched;
      const on = recorded.type === 'AuctionWatched';
      const users = watching.get(auctionId) ?? new Set<string>();
      if (on) users.add(userId);
      else users.delete(userId);
      watching.set(auctionId, users);
      watchChanges.push({ userId, auctionId, watching: on, at: recorded.recordedAt.toISOString() });
      continue;
    }
    const auctionId = auctionIdOfStream(recorded.streamId);
    if (!auctionId) continue;
    const before = auctions.get(auctionId);
    const revision = Number(recorded.revision);
    if (before && revision <= before.revision) continue;
    const { event, state } = sharedFoldStep(before?.state ?? null, recorded);
    if (!state) continue;
    // The facts held before are never changed (the cache keeps what was committed): a new
    // bidder makes a new list, and most bids come from someone who bid already.
    let bidders = before?.bidders ?? [];
    let answered: string | null = null;
    // Most events tell nobody: the view is made only for those that do.
    let view: AuctionView | undefined;
    const notify = (kind: NotificationKind, users: Iterable<string>) => {
      for (const user of users)
        notifications.push({
          notificationId: notificationIdOf(recorded.id, kind, user),
          userId: user,
          kind,
          auctionId,
          auction: viewFor((view ??= toAuctionView(state, revision, recorded.recordedAt.getTime())), user),
          at: recorded.recordedAt.toISOString(),
          position: recorded.position,
        });
    };
    const audience = () => new Set([...bidders, ...(watching.get(auctionId) ?? [])]);

    // An answer that never came (not how the decider decides, but a log is forever): tell them now.
    if (before?.answered && event.type !== 'BidPlaced') notify('outbid', [before.answered]);
    switch (event.type) {
      case 'BidPlaced': {
        const bid = event.data as BidPlaced;
        const leaderBefore = before?.state.leader?.bidderId;
        const leaderAfter = state.leader?.bidderId;
        const outbid = new Set<string>();
        if (leaderBefore && leaderAfter !== leaderBefore) outbid.add(leaderBefore);
        if (before?.answered && before.answered !== leaderAfter) outbid.add(before.answered);
        if (!bid.auto && leaderAfter !== bid.bidderId) answered = bid.bidderId;
        notify('outbid', outbid);
        if (!bidders.includes(bid.bidderId)) bidders = [...bidders, bid.bidderId];
        break;
      }
      case 'AuctionEndingSoon':
        notify('ending_soon', audience());
        break;
      case 'AuctionCancelled':
        notify('cancelled', audience());
        break;
      case 'AuctionClosed': {
        const { winnerId } = event.data as AuctionClosed;
        if (winnerId) notify('won', [winnerId]);
        notify(
          'lost',
          bidders.filter((b) => b !== winnerId),
        );
        break;
      }
    }
    auctions.set(auctionId, { state, revision, bidders, answered });
    changed.add(auctionId);
  }
  return {
    notifications,
    watchChanges,
    auctions: new Map([...changed].map((id) => [id, auctions.get(id)!])),
    /** Who watches each auction the batch touched, after it. */
    watchers: watching,
  };
}
