import {
  auctionIdOfStream,
  type Auction,
  type AuctionClosed,
  type BidCancelled,
  type SealedBidPlaced,
  sharedFoldStep,
  toAuctionView,
  viewFor,
  type AuctionView,
} from '../auction';
import type { RecordedEvent } from '../events';
import type { OfferExpired, OfferMade } from '../invoicing';
import { offerAuctionOf } from './batchIds';
import { nameUuids } from '../platform';
import { cancelNotices, outbidBy } from './bidNotices';
import { isUserEventType, userIdOfStream, type AuctionWatched, type SaleWatched } from '../watching';

export type NotificationKind =
  | 'outbid'
  | 'won'
  | 'lost'
  | 'ending_soon'
  | 'cancelled'
  | 'bid_cancelled'
  | 'leading_again'
  | 'offer_received'
  | 'offer_expired';

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

export interface SaleWatchChange {
  userId: string;
  saleId: string;
  watching: boolean;
  at: string;
}

// Fixed: a notification's id is a function of its cause, so deriving it again (a replay, a
// rebuild, a second instance) gives the same row, which the table keeps once.
const notificationUuid = nameUuids('2f6c3a1e-7a51-4d0b-9a0f-6d1b8c7e5a42');
export const notificationIdOf = (eventId: string, kind: NotificationKind, userId: string) =>
  notificationUuid(`${eventId}/${kind}/${userId}`);

/** The plan as it is built, event by event. */
interface Planning {
  auctions: Map<string, AuctionFacts>;
  watching: Map<string, Set<string>>;
  /** Who watches each sale (all its lots). */
  saleWatching: Map<string, Set<string>>;
  notifications: NotificationRow[];
  watchChanges: WatchChange[];
  saleWatchChanges: SaleWatchChange[];
  changed: Set<string>;
}

/** A user's watch or unwatch: the auction's (or the sale's) watchers after it, and the change to store. */
function planWatch(plan: Planning, userId: string, recorded: RecordedEvent) {
  if (recorded.type === 'SaleWatched' || recorded.type === 'SaleUnwatched') {
    const { saleId } = recorded.data as SaleWatched;
    const watching = recorded.type === 'SaleWatched';
    const users = plan.saleWatching.get(saleId) ?? new Set<string>();
    if (watching) users.add(userId);
    else users.delete(userId);
    plan.saleWatching.set(saleId, users);
    plan.saleWatchChanges.push({ userId, saleId, watching, at: recorded.recordedAt.toISOString() });
    return;
  }
  const { auctionId } = recorded.data as AuctionWatched;
  const on = recorded.type === 'AuctionWatched';
  const users = plan.watching.get(auctionId) ?? new Set<string>();
  if (on) users.add(userId);
  else users.delete(userId);
  plan.watching.set(auctionId, users);
  plan.watchChanges.push({ userId, auctionId, watching: on, at: recorded.recordedAt.toISOString() });
}

/** An auction's event: the notifications it causes and the auction's facts after it. */
/** Tells users of an auction's event; most events tell nobody, so the view is made only for those that do. */
function notifier(plan: Planning, auctionId: string, recorded: RecordedEvent, state: Auction) {
  let view: AuctionView | undefined;
  const at = recorded.recordedAt;
  return (kind: NotificationKind, users: Iterable<string>) => {
    for (const user of users)
      plan.notifications.push({
        notificationId: notificationIdOf(recorded.id, kind, user),
        userId: user,
        kind,
        auctionId,
        auction: viewFor((view ??= toAuctionView(state, Number(recorded.revision), at.getTime())), user),
        at: at.toISOString(),
        position: recorded.position,
      });
  };
}

function planAuctionEvent(plan: Planning, auctionId: string, recorded: RecordedEvent) {
  const before = plan.auctions.get(auctionId);
  const revision = Number(recorded.revision);
  if (before && revision <= before.revision) return;
  const { event, state } = sharedFoldStep(before?.state ?? null, recorded);
  if (!state) return;
  // The facts held before are never changed (the cache keeps what was committed): a new
  // bidder makes a new list, and most bids come from someone who bid already.
  let bidders = before?.bidders ?? [];
  let answered: string | null = null;
  const notify = notifier(plan, auctionId, recorded, state);
  const audience = () =>
    new Set([
      ...bidders,
      ...(plan.watching.get(auctionId) ?? []),
      ...((state.saleId && plan.saleWatching.get(state.saleId)) || []),
    ]);
  // An answer that never came (not how the decider decides, but a log is forever): tell them now.
  if (before?.answered && event.type !== 'BidPlaced') notify('outbid', [before.answered]);
  switch (event.type) {
    case 'BidPlaced': {
      const bid = event.data as Parameters<typeof outbidBy>[0];
      const outcome = outbidBy(bid, before, state.leader?.bidderId);
      answered = outcome.answered;
      notify('outbid', outcome.outbid);
      if (!bidders.includes(bid.bidderId)) bidders = [...bidders, bid.bidderId];
      break;
    }
    case 'SealedBidPlaced': // nobody is told (an outbid would tell an amount): its bidder hears at the close
      bidders = [...new Set([...bidders, (event.data as SealedBidPlaced).bidderId])];
      break;
    case 'BidCancelled': {
      const told = cancelNotices(event.data as BidCancelled, before);
      for (const [kind, users] of told.notices) notify(kind, users);
      bidders = bidders.filter((b) => b !== told.gone);
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
  plan.auctions.set(auctionId, { state, revision, bidders, answered });
  plan.changed.add(auctionId);
}

/**
 * A second chance's offer: its bidder is told (`offer_received`); an expiry tells the bidder and
 * the seller (`offer_expired`), with the auction as it stands.
 */
function planOfferEvent(plan: Planning, recorded: RecordedEvent) {
  const auctionId = offerAuctionOf(recorded);
  const facts = auctionId ? plan.auctions.get(auctionId) : undefined;
  if (!auctionId || !facts) return;
  // The auction's view carries the auction's revision, not the offers stream's.
  const asAuction = { ...recorded, revision: BigInt(facts.revision) };
  const notify = notifier(plan, auctionId, asAuction, facts.state);
  const { bidderId } = recorded.data as OfferMade | OfferExpired;
  if (recorded.type === 'OfferMade') notify('offer_received', [bidderId]);
  else notify('offer_expired', [bidderId, facts.state.sellerId]);
}

/**
 * Pure: the notifications a batch of the log causes, in log order, and the facts after it.
 * - `outbid`: a bid (or a proxy's automatic answer) took the lead from you; or your own bid did
 *   not take it, because the leader's proxy answered it at once (told with that answer).
 * - `won` / `lost`: at the close, to the winner and to everyone else who bid.
 * - `ending_soon`: the auction's ending-soon notice, to whoever bid in it or watches it (or its
 *   sale) then.
 * - `cancelled`: to whoever bid in it or watches it (or its sale).
 * - `bid_cancelled`, `leading_again`: a cancellation's (bidNotices.ts).
 * - `offer_received`, `offer_expired`: a second chance's offers (planOfferEvent).
 * Events at or below an auction's stored revision were planned already and are skipped.
 */
export function planNotifications(
  facts: Map<string, AuctionFacts>,
  watchers: Map<string, Set<string>>,
  events: RecordedEvent[],
  saleWatchers: Map<string, Set<string>> = new Map(),
) {
  const plan: Planning = {
    auctions: new Map(facts),
    watching: new Map([...watchers].map(([id, users]) => [id, new Set(users)])),
    saleWatching: new Map([...saleWatchers].map(([id, users]) => [id, new Set(users)])),
    notifications: [],
    watchChanges: [],
    saleWatchChanges: [],
    changed: new Set(),
  };
  for (const recorded of events) {
    const userId = userIdOfStream(recorded.streamId);
    if (userId) {
      if (isUserEventType(recorded.type)) planWatch(plan, userId, recorded);
      continue;
    }
    const auctionId = auctionIdOfStream(recorded.streamId);
    if (auctionId) planAuctionEvent(plan, auctionId, recorded);
    else planOfferEvent(plan, recorded);
  }
  return {
    notifications: plan.notifications,
    watchChanges: plan.watchChanges,
    saleWatchChanges: plan.saleWatchChanges,
    auctions: new Map([...plan.changed].map((id) => [id, plan.auctions.get(id)!])),
    /** Who watches each auction the batch touched, after it. */
    watchers: plan.watching,
  };
}
