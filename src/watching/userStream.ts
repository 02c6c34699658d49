import type { Decider } from '../events';
import type { UserEvent } from './watchEvents';

/** Each user's own decisions (today: what they watch) are one stream, `user-<userId>`. */
const USER_STREAM_PREFIX = 'user-';

export const userStreamId = (userId: string) => `${USER_STREAM_PREFIX}${userId}`;

/** The user a stream belongs to, or undefined for a stream that is not a user's. */
export const userIdOfStream = (streamId: string) =>
  streamId.startsWith(USER_STREAM_PREFIX) ? streamId.slice(USER_STREAM_PREFIX.length) : undefined;

export const isUserEventType = (type: string): type is UserEvent['type'] =>
  type === 'AuctionWatched' || type === 'AuctionUnwatched';

/** What a user watches: the state of their stream. */
export type Watchlist = ReadonlySet<string>;

export type WatchCommand = {
  type: 'WatchAuction' | 'UnwatchAuction';
  data: { auctionId: string };
  now: Date;
};

/**
 * Pure: the events a watch command records. Watching what you watch, or unwatching what you do
 * not, records nothing: PUT and DELETE are idempotent by state, not by key.
 */
function decide(command: WatchCommand, state: Watchlist): UserEvent[] {
  const { auctionId } = command.data;
  const at = command.now.toISOString();
  switch (command.type) {
    case 'WatchAuction':
      return state.has(auctionId) ? [] : [{ type: 'AuctionWatched', data: { auctionId, watchedAt: at } }];
    case 'UnwatchAuction':
      return state.has(auctionId) ? [{ type: 'AuctionUnwatched', data: { auctionId, unwatchedAt: at } }] : [];
    default: {
      const unknown: never = command.type;
      throw new Error(`Unknown command ${String(unknown)}`);
    }
  }
}

/** Pure: the watchlist after one event. */
function evolve(state: Watchlist, event: UserEvent): Watchlist {
  const next = new Set(state);
  if (event.type === 'AuctionWatched') next.add(event.data.auctionId);
  else next.delete(event.data.auctionId);
  return next;
}

/** A user's stream: what they watch, decided and folded. */
export const watchlistDecider: Decider<Watchlist, WatchCommand, UserEvent> = {
  decide,
  evolve,
  initialState: () => new Set<string>(),
};

/** The user stream as the command handler reads it: the decider, and its events of the log. */
export const userStreamType = {
  decider: watchlistDecider,
  eventOf: (recorded: { type: string; data: unknown }): UserEvent | undefined =>
    isUserEventType(recorded.type) ? ({ type: recorded.type, data: recorded.data } as UserEvent) : undefined,
};
