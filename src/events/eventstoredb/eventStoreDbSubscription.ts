import {
  START,
  type AllStreamResolvedEvent,
  type EventStoreDBClient,
  type Filter,
  type Position,
} from '@eventstore/db-client';
import type { ReadAllOptions, RecordedEvent, SubscribeOptions, Subscription } from '../eventStore';

interface Deps {
  connect(): EventStoreDBClient;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  filter: Filter;
  toRecordedEvent(resolved: AllStreamResolvedEvent): RecordedEvent | undefined;
  fromPosition(position: string): Position;
}

const MAX_BACKOFF_MS = 5000;

/**
 * Catch-up with paged reads, then a live subscribeToAll. The client never resubscribes by
 * itself: on any drop (UNAVAILABLE included) we open a new subscription from the last position
 * handed to the subscriber, and discard whatever was buffered but not yet delivered.
 */
export function eventStoreDbSubscription(options: SubscribeOptions, deps: Deps): Subscription {
  const batchSize = options.batchSize ?? 500;
  let after = options.after;
  let stopped = false;
  let wake: (() => void) | undefined;
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const deliver = async (events: RecordedEvent[]) => {
    await options.onEvents(events);
    after = events[events.length - 1]!.position;
  };

  /** Returns normally when stopped or the handler failed; throws on a dropped connection. */
  const live = async (client: EventStoreDBClient) => {
    const queue: RecordedEvent[] = [];
    let dropped: unknown;
    const subscription = client.subscribeToAll({
      fromPosition: after ? deps.fromPosition(after) : START,
      filter: deps.filter,
    });
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      const recorded = deps.toRecordedEvent(resolved);
      if (!recorded) return;
      queue.push(recorded);
      if (queue.length >= batchSize) subscription.pause();
      wake?.();
    });
    subscription.on('error', (error) => {
      dropped = error;
      wake?.();
    });
    subscription.on('end', () => {
      dropped ??= new Error('subscription ended');
      wake?.();
    });
    subscription.on('caughtUp', () => options.onCaughtUp?.());
    try {
      while (!stopped) {
        if (queue.length > 0) {
          const batch = queue.splice(0, batchSize);
          if (subscription.isPaused()) subscription.resume();
          await deliver(batch);
          continue;
        }
        if (dropped) throw dropped;
        await nap(1000);
      }
    } finally {
      await subscription.unsubscribe().catch(() => undefined);
    }
  };

  const run = async () => {
    let backoff = 100;
    while (!stopped) {
      const client = deps.connect();
      try {
        for (;;) {
          const page = await deps.readAll({ after, limit: batchSize });
          if (page.length === 0 || stopped) break;
          await deliver(page);
          if (page.length < batchSize) break;
        }
        if (!stopped) await live(client);
        return;
      } catch (error) {
        if (isHandlerError(error)) {
          stopped = true;
          options.onError?.(error.cause);
          return;
        }
        await nap(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      } finally {
        await client.dispose().catch(() => undefined);
      }
    }
  };

  const originalOnEvents = options.onEvents;
  options = {
    ...options,
    onEvents: async (events) => {
      try {
        await originalOnEvents(events);
      } catch (cause) {
        throw new HandlerError(cause);
      }
    },
  };

  const running = run();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}

class HandlerError extends Error {
  constructor(override readonly cause: unknown) {
    super('subscriber handler failed');
  }
}
const isHandlerError = (error: unknown): error is HandlerError => error instanceof HandlerError;
