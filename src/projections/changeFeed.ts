import Redis from 'ioredis';
import { isPrivateEvent } from '../auction';
import { viewFor, type AuctionView } from '../auction';
import type { AuctionChange } from './projectionStore';
import { publicEvent, sealedOpen, type PublicEvent } from './auction/publicEvents';

export interface ChangedAuction {
  auctionId: string;
  revision: number;
  /** The public view (no reserve) as JSON, serialised once for every reader and subscriber. */
  viewJson: string;
  sellerId: string;
  reserve: number | null;
  leader: string | null;
  ceiling: number | null;
  /**
   * Each event of the batch with the public view right after it, in revision order; a private
   * event (a leader's ceiling raise) is only its revision, so subscribers' sequences move past it.
   * The view after the auction's last event is `viewJson` itself and is not repeated: an event
   * without `view` is followed by `viewJson` (most batches hold one event per auction).
   */
  events: Array<{ revision: number; event?: PublicEvent; view?: AuctionView }>;
}

export interface ChangeMessage {
  /** The Redis read model's checkpoint after the batch. */
  position: string;
  auctions: ChangedAuction[];
}

export const changeChannel = (prefix: string) => `${prefix}rm:changes`;

/** After the Redis read model committed a batch: one message for every instance. */
export function changeMessage(changes: AuctionChange[], position: string): ChangeMessage {
  return {
    position,
    auctions: changes
      .filter((c): c is AuctionChange & { view: AuctionView } => c.view !== undefined)
      .map((c) => ({
        auctionId: c.auctionId,
        revision: c.view.revision,
        viewJson: c.viewJson ?? JSON.stringify(viewFor(c.view, undefined)),
        sellerId: c.view.sellerId,
        reserve: c.view.reservePrice ?? null,
        leader: c.view.leadingBidderId,
        ceiling: c.view.leaderCeiling ?? null,
        events: (c.steps ?? []).map((step) => {
          const revision = Number(step.event.revision);
          if (isPrivateEvent(step.event.type)) return { revision };
          const event = publicEvent(step.event, sealedOpen(c.view));
          // The last event's view is the auction's view (the same state, revision and clock), sent once.
          return step.view ? { revision, event, view: viewFor(step.view, undefined) } : { revision, event };
        }),
      })),
  };
}

export async function publishChanges(redis: Redis, prefix: string, message: ChangeMessage): Promise<void> {
  await redis.publish(changeChannel(prefix), JSON.stringify(message));
}

/**
 * Follows one pub/sub channel of JSON messages on a connection of its own. `onReset` is called
 * whenever the connection (re)subscribes: messages may have been missed, so whatever was built
 * on them must be checked again.
 */
export function followChannel<T>(
  redisUrl: string,
  channel: string,
  handlers: { onMessage(message: T): void; onReset(): void },
) {
  const subscriber = new Redis(redisUrl, {
    maxRetriesPerRequest: null,
    retryStrategy: (n) => Math.min(n * 100, 2000),
  });
  subscriber.on('error', () => undefined);
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  subscriber.on('ready', () => {
    handlers.onReset();
    subscriber.subscribe(channel).then(
      () => {
        handlers.onReset(); // anything stored before the subscription took effect is suspect
        markReady();
      },
      () => undefined,
    );
  });
  subscriber.on('close', handlers.onReset);
  subscriber.on('message', (_channel: string, text: string) => {
    try {
      handlers.onMessage(JSON.parse(text) as T);
    } catch {
      handlers.onReset();
    }
  });
  return {
    /** Resolves once subscribed (the first time). */
    ready,
    async close() {
      subscriber.disconnect();
    },
  };
}

/** Follows the change channel: every committed batch of the Redis read model. */
export const subscribeChanges = (
  redisUrl: string,
  prefix: string,
  handlers: { onMessage(message: ChangeMessage): void; onReset(): void },
) => followChannel(redisUrl, changeChannel(prefix), handlers);
