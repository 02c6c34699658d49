import type { RecordedEvent } from '../events';
import type { AuctionEvent, BidPlaced, MaxBidRaised } from './auctionEvents';
import { evolve, initialState, type AuctionState } from './auctionState';

/** Each auction is one stream, `auction-<auctionId>`. */
const AUCTION_STREAM_PREFIX = 'auction-';

export const auctionStreamId = (auctionId: string) => `${AUCTION_STREAM_PREFIX}${auctionId}`;

/** The auction a stream belongs to, or undefined for a stream that is not an auction's. */
export const auctionIdOfStream = (streamId: string) =>
  streamId.startsWith(AUCTION_STREAM_PREFIX) ? streamId.slice(AUCTION_STREAM_PREFIX.length) : undefined;

/** A recorded event as the auction event it is (after `upcast`). */
export function toAuctionEvent(recorded: Pick<RecordedEvent, 'type' | 'data'>): AuctionEvent {
  return { type: recorded.type, data: recorded.data } as AuctionEvent;
}

/**
 * The one place old shapes of stored events are read in today's shape, given the auction as it
 * stood before the event. Every reader (command side, read models, history, WebSocket, replay,
 * export) folds through here. Stored events are never rewritten.
 * - Logs of before MaxBidRaised: the leader's own (not automatic) BidPlaced only raised their
 *   ceiling; it is read as MaxBidRaised.
 */
export function upcast(recorded: RecordedEvent, before: AuctionState): RecordedEvent {
  if (recorded.type !== 'BidPlaced') return recorded;
  const bid = recorded.data as BidPlaced;
  if (bid.auto || !before?.leader || before.leader.bidderId !== bid.bidderId) return recorded;
  const maxAmount = Math.max(before.leader.ceiling, bid.amount, bid.maxAmount ?? bid.amount);
  const data: MaxBidRaised = { bidId: bid.bidId, bidderId: bid.bidderId, maxAmount, raisedAt: bid.placedAt };
  return { ...recorded, type: 'MaxBidRaised', data };
}

/** One step of a fold: the event in today's shape and the state after it. */
export function foldStep(
  state: AuctionState,
  recorded: RecordedEvent,
): { event: RecordedEvent; state: AuctionState } {
  const event = upcast(recorded, state);
  return { event, state: evolve(state, toAuctionEvent(event)) };
}

/** Events nobody but their own bidder may see (no list, count, frame or page shows them). */
export const isPrivateEvent = (type: string) => type === 'MaxBidRaised' || type === 'SealedBidPlaced';

/** Where a fold stops: after the last event recorded at or before `at`, or at `revision`. */
export interface FoldUntil {
  at?: number;
  revision?: number;
}

const pastLimit = (e: RecordedEvent, until: FoldUntil) =>
  (until.at !== undefined && e.recordedAt.getTime() > until.at) ||
  (until.revision !== undefined && Number(e.revision) > until.revision);

/** Pure: the auction as it stood after the recorded events (up to a time or a revision), and that revision (-1: none). */
export function foldAuction(
  recorded: RecordedEvent[],
  until: FoldUntil = {},
): { state: AuctionState; revision: number } {
  let state = initialState();
  let revision = -1;
  for (const e of recorded) {
    if (pastLimit(e, until)) break;
    state = foldStep(state, e).state;
    revision = Number(e.revision);
  }
  return { state, revision };
}
