import { randomUUID } from 'node:crypto';
import { auctionStreamId } from '../../auction';
import type { EventStore } from '../../events';
import { saleStreamId } from '../../sales';
import { userStreamId, userStreamType, type WatchCommand } from '../../watching';
import { getStreamCommands } from '../streamCommands';

/** A watch of something the log does not hold: 404 with its code. */
export class WatchedNotFoundError extends Error {
  constructor(
    readonly code: 'AUCTION_NOT_FOUND' | 'SALE_NOT_FOUND',
    message: string,
  ) {
    super(message);
  }
}

/** What a watch command did, and where the user's stream stands after it (for X-Min-Position). */
export interface WatchReply {
  changed: boolean;
  position: string | undefined;
}

/**
 * Watch and unwatch an auction or a sale, recorded in the user's stream through the one command
 * handler: two requests of one user on two instances cannot both pass; the loser reads again and
 * decides again (and usually finds there is nothing left to record).
 */
export function getWatchlistCommands(eventStore: EventStore) {
  const commands = getStreamCommands(eventStore);
  const exists = async (streamId: string) =>
    (await eventStore.readStream(streamId, { maxCount: 1 })).length > 0;
  const mustExist = async (command: WatchCommand) => {
    if (command.type === 'WatchAuction' && !(await exists(auctionStreamId(command.data.auctionId))))
      throw new WatchedNotFoundError('AUCTION_NOT_FOUND', 'No such auction');
    if (command.type === 'WatchSale' && !(await exists(saleStreamId(command.data.saleId))))
      throw new WatchedNotFoundError('SALE_NOT_FOUND', 'No such sale');
  };

  return {
    async execute(userId: string, command: WatchCommand): Promise<WatchReply> {
      await mustExist(command);
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
