import { v7 as uuidv7 } from 'uuid';
import { WrongExpectedRevisionError, type EventStore } from '../events';
import { auctionStreamId } from '../auction';
import { foldRecorded, type LoadedAuction } from './auctionStreamFold';
import { CommandBusyError } from './commandErrors';
import { decideBatch, hasRefusals, settleBatch, type Answer, type CommandEnvelope } from './decideBatch';

export interface AppendWithRetryOptions {
  eventStore: EventStore;
  maxAttempts?: number;
  maxCachedAuctions?: number;
}

const emptyAuction = (): LoadedAuction => ({ state: null, revision: 'no_stream', idempotency: new Map() });
const jitter = (attempt: number) =>
  new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** Math.min(attempt, 5)));

/**
 * Decides a batch on the cached auction and appends its events with the expected revision it
 * was decided on. A conflict (another instance wrote first) reads only the stream's new events,
 * folds them and decides again, with jitter, at most `maxAttempts` times, then answers BUSY.
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
  const refresh = async (auctionId: string, loaded: LoadedAuction) => {
    const fromRevision = loaded.revision === 'no_stream' ? 0n : loaded.revision + 1n;
    const recorded = await eventStore.readStream(auctionStreamId(auctionId), { fromRevision });
    return recorded.length ? foldRecorded(loaded, recorded) : loaded;
  };

  const decideNow = (loaded: LoadedAuction, envelopes: CommandEnvelope[]) =>
    decideBatch(loaded, envelopes, { appendId: uuidv7(), commandId: uuidv7 });

  const attempt = async (auctionId: string, envelopes: CommandEnvelope[]): Promise<Answer[]> => {
    let loaded = cache.get(auctionId);
    let fresh = false;
    for (let n = 0; n < maxAttempts; n++) {
      if (!loaded) {
        loaded = await refresh(auctionId, emptyAuction());
        fresh = true;
      }
      let decided = decideNow(loaded, envelopes);
      // Refusals must not rest on a stale cache (another instance may have extended the end).
      if (!fresh && hasRefusals(decided)) {
        const refreshed = await refresh(auctionId, loaded);
        if (refreshed !== loaded) {
          loaded = refreshed;
          decided = decideNow(loaded, envelopes);
        }
      }
      let appended;
      if (decided.newEvents.length > 0) {
        try {
          appended = await eventStore.appendToStream(auctionStreamId(auctionId), decided.newEvents, {
            expectedRevision: loaded.revision,
          });
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          loaded = await refresh(auctionId, loaded);
          fresh = true;
          await jitter(n);
          continue;
        }
      }
      const settled = settleBatch(loaded, decided, appended);
      remember(auctionId, settled.loaded);
      return settled.answers;
    }
    cache.delete(auctionId);
    return envelopes.map(() => ({ error: new CommandBusyError('The auction is busy; retry shortly') }));
  };

  return async (auctionId: string, envelopes: CommandEnvelope[]): Promise<Answer[]> => {
    try {
      return await attempt(auctionId, envelopes);
    } catch (error) {
      cache.delete(auctionId); // an unexpected failure: trust nothing held of this auction
      throw error;
    }
  };
}
