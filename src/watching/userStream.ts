import type { Decider } from '../events';
import { userEventSchemas, type UserEvent } from './watchEvents';

/** Each user's own decisions (today: what they watch) are one stream, `user-<userId>`. */
const USER_STREAM_PREFIX = 'user-';

export const userStreamId = (userId: string) => `${USER_STREAM_PREFIX}${userId}`;

/** The user a stream belongs to, or undefined for a stream that is not a user's. */
export const userIdOfStream = (streamId: string) =>
  streamId.startsWith(USER_STREAM_PREFIX) ? streamId.slice(USER_STREAM_PREFIX.length) : undefined;

export const isUserEventType = (type: string): type is UserEvent['type'] => type in userEventSchemas;

/** What a user watches: the state of their stream. */
export interface Watchlist {
  auctions: ReadonlySet<string>;
  sales: ReadonlySet<string>;
}

export type WatchCommand =
  | { type: 'WatchAuction' | 'UnwatchAuction'; data: { auctionId: string }; now: Date }
  | { type: 'WatchSale' | 'UnwatchSale'; data: { saleId: string }; now: Date };

/**
 * Pure: the events a watch command records. Watching what you watch, or unwatching what you do
 * not, records nothing: PUT and DELETE are idempotent by state, not by key.
 */
function decide(command: WatchCommand, state: Watchlist): UserEvent[] {
  const at = command.now.toISOString();
  switch (command.type) {
    case 'WatchAuction':
    case 'UnwatchAuction': {
      const { auctionId } = command.data;
      const watched = state.auctions.has(auctionId);
      if (command.type === 'WatchAuction')
        return watched ? [] : [{ type: 'AuctionWatched', data: { auctionId, watchedAt: at } }];
      return watched ? [{ type: 'AuctionUnwatched', data: { auctionId, unwatchedAt: at } }] : [];
    }
    case 'WatchSale':
    case 'UnwatchSale': {
      const { saleId } = command.data;
      const watched = state.sales.has(saleId);
      if (command.type === 'WatchSale')
        return watched ? [] : [{ type: 'SaleWatched', data: { saleId, watchedAt: at } }];
      return watched ? [{ type: 'SaleUnwatched', data: { saleId, unwatchedAt: at } }] : [];
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

const toggled = (set: ReadonlySet<string>, id: string, on: boolean) => {
  const next = new Set(set);
  if (on) next.add(id);
  else next.delete(id);
  return next;
};

/** Pure: the watchlist after one event. */
function evolve(state: Watchlist, event: UserEvent): Watchlist {
  switch (event.type) {
    case 'AuctionWatched':
    case 'AuctionUnwatched':
      return {
        ...state,
        auctions: toggled(state.auctions, event.data.auctionId, event.type === 'AuctionWatched'),
      };
    case 'SaleWatched':
    case 'SaleUnwatched':
      return { ...state, sales: toggled(state.sales, event.data.saleId, event.type === 'SaleWatched') };
  }
}

/** A user's stream: what they watch, decided and folded. */
export const watchlistDecider: Decider<Watchlist, WatchCommand, UserEvent> = {
  decide,
  evolve,
  initialState: () => ({ auctions: new Set<string>(), sales: new Set<string>() }),
};

/** The user stream as the command handler reads it: the decider, and its events of the log. */
export const userStreamType = {
  decider: watchlistDecider,
  eventOf: (recorded: { type: string; data: unknown }): UserEvent | undefined =>
    isUserEventType(recorded.type) ? ({ type: recorded.type, data: recorded.data } as UserEvent) : undefined,
};
