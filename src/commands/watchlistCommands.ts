import { randomUUID } from 'node:crypto';
import { auctionStreamId } from '../auction';
import { WrongExpectedRevisionError, type EventStore, type ExpectedRevision } from '../events';
import {
  decideWatch,
  evolveWatchlist,
  isUserEventType,
  userStreamId,
  type UserEvent,
  type WatchCommand,
  type Watchlist,
} from '../watching';
import { CommandBusyError } from './commandErrors';

export class WatchedAuctionNotFoundError extends Error {
  readonly code = 'AUCTION_NOT_FOUND';
}

/** What a watch command did, and where the user's stream stands after it (for X-Min-Position). */
export interface WatchReply {
  changed: boolean;
  position: string | undefined;
}

const MAX_ATTEMPTS = 8;

/**
 * Watch and unwatch, recorded in the user's stream with the expected revision they were decided
 * on: two requests of one user on two instances cannot both pass; the loser reads again and
 * decides again (and usually finds there is nothing left to record).
 */
export function getWatchlistCommands(eventStore: EventStore) {
  const load = async (userId: string) => {
    const recorded = await eventStore.readStream(userStreamId(userId));
    let state: Watchlist = new Set();
    for (const e of recorded)
      if (isUserEventType(e.type))
        state = evolveWatchlist(state, { type: e.type, data: e.data } as UserEvent);
    const last = recorded[recorded.length - 1];
    const revision: ExpectedRevision = last ? last.revision : 'no_stream';
    return { state, revision, position: last?.position };
  };

  const auctionExists = async (auctionId: string) =>
    (await eventStore.readStream(auctionStreamId(auctionId), { maxCount: 1 })).length > 0;

  return {
    async execute(userId: string, command: WatchCommand): Promise<WatchReply> {
      if (command.type === 'WatchAuction' && !(await auctionExists(command.auctionId)))
        throw new WatchedAuctionNotFoundError('No such auction');
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const { state, revision, position } = await load(userId);
        const events = decideWatch(state, command);
        if (events.length === 0) return { changed: false, position };
        try {
          const appended = await eventStore.appendToStream(
            userStreamId(userId),
            events.map((e) => ({
              type: e.type,
              data: e.data,
              metadata: { commandType: command.type, userId, correlationId: randomUUID() },
            })),
            { expectedRevision: revision },
          );
          return { changed: true, position: appended.position };
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
        }
      }
      throw new CommandBusyError('Too many concurrent changes to this watchlist');
    },
  };
}

export type WatchlistCommands = ReturnType<typeof getWatchlistCommands>;
