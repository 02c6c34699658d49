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

/** One subscription's state: where it is, and how to wake it from a nap. */
interface Follow {
  options: SubscribeOptions;
  deps: Deps;
  batchSize: number;
  after: string | undefined;
  stopped: boolean;
  wake: (() => void) | undefined;
}

/** A pause that wake() cuts short. */
const nap = (follow: Follow, ms: number) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      follow.wake = undefined;
      resolve();
    }
    follow.wake = done;
  });

/** Hands a batch to the subscriber; a failure there is the handler's, told apart from a drop. */
async function deliver(follow: Follow, events: RecordedEvent[]) {
  try {
    await follow.options.onEvents(events);
  } catch (cause) {
    throw new HandlerError(cause);
  }
  follow.after = events[events.length - 1]!.position;
}

/** Opens the live subscription; its events queue up (paused at a batch), and a drop is kept. */
function openLive(follow: Follow, client: EventStoreDBClient) {
  const { deps, after } = follow;
  const queue: RecordedEvent[] = [];
  const state = { dropped: undefined as unknown };
  const subscription = client.subscribeToAll({
    fromPosition: after ? deps.fromPosition(after) : START,
    filter: deps.filter,
  });
  subscription.on('data', (resolved: AllStreamResolvedEvent) => {
    const recorded = deps.toRecordedEvent(resolved);
    if (!recorded) return;
    queue.push(recorded);
    if (queue.length >= follow.batchSize) subscription.pause();
    follow.wake?.();
  });
  subscription.on('error', (error) => {
    state.dropped = error;
    follow.wake?.();
  });
  subscription.on('end', () => {
    state.dropped ??= new Error('subscription ended');
    follow.wake?.();
  });
  subscription.on('caughtUp', () => follow.options.onCaughtUp?.());
  return { subscription, queue, state };
}

/** Returns normally when stopped or the handler failed; throws on a dropped connection. */
async function live(follow: Follow, client: EventStoreDBClient) {
  const { subscription, queue, state } = openLive(follow, client);
  try {
    while (!follow.stopped) {
      if (queue.length > 0) {
        const batch = queue.splice(0, follow.batchSize);
        if (subscription.isPaused()) subscription.resume();
        await deliver(follow, batch);
        continue;
      }
      if (state.dropped) throw state.dropped;
      await nap(follow, 1000);
    }
  } finally {
    await subscription.unsubscribe().catch(() => undefined);
  }
}

/** Paged reads up to the end of the log as it is now. */
async function catchUp(follow: Follow) {
  for (;;) {
    const page = await follow.deps.readAll({ after: follow.after, limit: follow.batchSize });
    if (page.length === 0 || follow.stopped) return;
    await deliver(follow, page);
    if (page.length < follow.batchSize) return;
  }
}

/** Catch up, then live, on a fresh client each time; after a drop, again from the last delivered. */
async function run(follow: Follow) {
  let backoff = 100;
  while (!follow.stopped) {
    const client = follow.deps.connect();
    try {
      await catchUp(follow);
      if (!follow.stopped) await live(follow, client);
      return;
    } catch (error) {
      if (error instanceof HandlerError) {
        follow.stopped = true;
        follow.options.onError?.(error.cause);
        return;
      }
      await nap(follow, backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    } finally {
      await client.dispose().catch(() => undefined);
    }
  }
}

/**
 * Catch-up with paged reads, then a live subscribeToAll. The client never resubscribes by
 * itself: on any drop (UNAVAILABLE included) we open a new subscription from the last position
 * handed to the subscriber, and discard whatever was buffered but not yet delivered.
 */
export function eventStoreDbSubscription(options: SubscribeOptions, deps: Deps): Subscription {
  const follow: Follow = {
    options,
    deps,
    batchSize: options.batchSize ?? 500,
    after: options.after,
    stopped: false,
    wake: undefined,
  };
  const running = run(follow);
  return {
    async stop() {
      follow.stopped = true;
      follow.wake?.();
      await running;
    },
  };
}

class HandlerError extends Error {
  constructor(override readonly cause: unknown) {
    super('subscriber handler failed');
  }
}
