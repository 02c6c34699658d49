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

/** Pure: the watchlist after one event. */
export function evolveWatchlist(state: Watchlist, event: UserEvent): Watchlist {
  const next = new Set(state);
  if (event.type === 'AuctionWatched') next.add(event.data.auctionId);
  else next.delete(event.data.auctionId);
  return next;
}

export type WatchCommand =
  | { type: 'WatchAuction'; auctionId: string; now: Date }
  | { type: 'UnwatchAuction'; auctionId: string; now: Date };

/**
 * Pure: the events a watch command records. Watching what you watch, or unwatching what you do
 * not, records nothing: PUT and DELETE are idempotent by state, not by key.
 */
export function decideWatch(state: Watchlist, command: WatchCommand): UserEvent[] {
  const watching = state.has(command.auctionId);
  if (command.type === 'WatchAuction')
    return watching
      ? []
      : [
          {
            type: 'AuctionWatched',
            data: { auctionId: command.auctionId, watchedAt: command.now.toISOString() },
          },
        ];
  return watching
    ? [
        {
          type: 'AuctionUnwatched',
          data: { auctionId: command.auctionId, unwatchedAt: command.now.toISOString() },
        },
      ]
    : [];
}
