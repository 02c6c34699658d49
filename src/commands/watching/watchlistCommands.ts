import { randomUUID } from 'node:crypto';
import { auctionStreamId } from '../../auction';
import type { EventStore } from '../../events';
import { userStreamId, userStreamType, type WatchCommand } from '../../watching';
import { getStreamCommands } from '../streamCommands';

export class WatchedAuctionNotFoundError extends Error {
  readonly code = 'AUCTION_NOT_FOUND';
}

/** What a watch command did, and where the user's stream stands after it (for X-Min-Position). */
export interface WatchReply {
  changed: boolean;
  position: string | undefined;
}

/**
 * Watch and unwatch, recorded in the user's stream through the one command handler: two
 * requests of one user on two instances cannot both pass; the loser reads again and decides
 * again (and usually finds there is nothing left to record).
 */
export function getWatchlistCommands(eventStore: EventStore) {
  const commands = getStreamCommands(eventStore);
  const auctionExists = async (auctionId: string) =>
    (await eventStore.readStream(auctionStreamId(auctionId), { maxCount: 1 })).length > 0;

  return {
    async execute(userId: string, command: WatchCommand): Promise<WatchReply> {
      if (command.type === 'WatchAuction' && !(await auctionExists(command.data.auctionId)))
        throw new WatchedAuctionNotFoundError('No such auction');
      const outcome = await commands.handle(userStreamType, userStreamId(userId), command, {
        commandType: command.type,
        userId,
        correlationId: randomUUID(),
      });
      return { changed: outcome.events.length > 0, position: outcome.position };
    },
  };
}

export type WatchlistCommands = ReturnType<typeof getWatchlistCommands>;
