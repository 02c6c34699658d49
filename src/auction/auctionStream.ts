import type { RecordedEvent } from '../events';
import type { AuctionEvent } from './auctionEvents';
import { evolve, initialState, type AuctionState } from './auctionState';

/** Each auction is one stream, `auction-<auctionId>`. */
const AUCTION_STREAM_PREFIX = 'auction-';

export const auctionStreamId = (auctionId: string) => `${AUCTION_STREAM_PREFIX}${auctionId}`;

/** The auction a stream belongs to, or undefined for a stream that is not an auction's. */
export const auctionIdOfStream = (streamId: string) =>
  streamId.startsWith(AUCTION_STREAM_PREFIX) ? streamId.slice(AUCTION_STREAM_PREFIX.length) : undefined;

/**
 * The one place a stored event becomes an auction event. Every reader (command side, read
 * models, history, WebSocket, replay) goes through here, so a stored shape that changes is
 * upcast here, once.
 */
export function toAuctionEvent(recorded: Pick<RecordedEvent, 'type' | 'data'>): AuctionEvent {
  return { type: recorded.type, data: recorded.data } as AuctionEvent;
}

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
    state = evolve(state, toAuctionEvent(e));
    revision = Number(e.revision);
  }
  return { state, revision };
}
