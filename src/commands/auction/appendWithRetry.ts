import { v7 as uuidv7 } from 'uuid';
import type { EventStore } from '../../events';
import { auctionStreamId } from '../../auction';
import { foldRecorded, type LoadedAuction } from './auctionStreamFold';
import { CommandBusyError } from '../commandErrors';
import {
  decideBatch,
  hasRefusals,
  settleBatch,
  type Answer,
  type CommandEnvelope,
  type DecidedBatch,
} from './decideBatch';
import { decideAndAppend, type StreamHandling } from '../streamCommands';

export interface AppendWithRetryOptions {
  eventStore: EventStore;
  maxAttempts?: number;
  maxCachedAuctions?: number;
}

const emptyAuction = (): LoadedAuction => ({ state: null, revision: 'no_stream', idempotency: new Map() });

/**
 * The auction's performance layer around the one command handling (decideAndAppend): the
 * auction's state is held in a cache, so a command reads only what the stream has beyond it, and
 * a lane's batch of commands is decided together and written in one append. A refusal decided
 * on the cache is checked on a fresh read; a conflict folds only the new events and decides
 * again, at most `maxAttempts` times, then every command of the batch is answered BUSY.
 */
export function getAppendWithRetry(options: AppendWithRetryOptions) {
  const { eventStore } = options;
  const maxAttempts = options.maxAttempts ?? 12;
  const maxCached = options.maxCachedAuctions ?? 10_000;
  const cache = new Map<string, LoadedAuction>();

  const remember = (auctionId: string, loaded: LoadedAuction) => {
    cache.delete(auctionId);
    if (loaded.state === null) return; // a missing auction may be created elsewhere at any time
    cache.set(auctionId, loaded);
    if (cache.size > maxCached) cache.delete(cache.keys().next().value!);
  };

  /** Reads what the stream has beyond what we hold (everything, when we hold nothing). */
  const catchUp = async (auctionId: string, held: LoadedAuction = emptyAuction()) => {
    const fromRevision = held.revision === 'no_stream' ? 0n : held.revision + 1n;
    const recorded = await eventStore.readStream(auctionStreamId(auctionId), { fromRevision });
    return recorded.length ? foldRecorded(held, recorded) : held;
  };

  const handling = (
    auctionId: string,
    envelopes: CommandEnvelope[],
  ): StreamHandling<LoadedAuction, DecidedBatch, Answer[]> => ({
    streamId: auctionStreamId(auctionId),
    catchUp: (held) => catchUp(auctionId, held),
    decide: (loaded) => decideBatch(loaded, envelopes, { appendId: uuidv7(), commandId: uuidv7 }),
    eventsOf: (decided) => decided.newEvents,
    // Refusals must not rest on a stale cache (another instance may have extended the end).
    recheck: hasRefusals,
    settle(loaded, decided, appended) {
      const settled = settleBatch(loaded, decided, appended);
      remember(auctionId, settled.loaded);
      return settled.answers;
    },
  });

  return async (auctionId: string, envelopes: CommandEnvelope[]): Promise<Answer[]> => {
    try {
      return await decideAndAppend(eventStore, handling(auctionId, envelopes), {
        maxAttempts,
        held: cache.get(auctionId),
      });
    } catch (error) {
      cache.delete(auctionId); // busy, or an unexpected failure: trust nothing held of this auction
      if (!(error instanceof CommandBusyError)) throw error;
      return envelopes.map(() => ({ error: new CommandBusyError('The auction is busy; retry shortly') }));
    }
  };
}
