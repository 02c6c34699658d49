import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventStore, Subscription } from '../events';
import { isTransientError } from '../platform';
import type { Leases } from './leases';
import {
  CheckpointMovedError,
  LeaseLostError,
  type AuctionChange,
  type ProjectionStore,
} from './projectionStore';

export type ProjectionState = 'starting' | 'standby' | 'running' | 'failed' | 'stopped';

export interface ProjectionStatus {
  name: string;
  state: ProjectionState;
  position: string | undefined;
  /** ms from the oldest event not yet applied to now; 0 when caught up. */
  lagMs: number;
  error?: string;
}

export interface ProjectionRunnerOptions {
  /** A fresh store for each (re)start: a Redis projection re-reads its generation. */
  store: () => Promise<ProjectionStore>;
  name: string;
  eventStore: EventStore;
  leases: Leases;
  logger: Logger;
  batchSize?: number;
  heartbeatMs?: number;
  /** Called after each committed batch with what changed. */
  onChanges?(changes: AuctionChange[], position: string): void;
  /** Called after each committed batch with commit-time minus recorded-at of its events, in ms. */
  onApplied?(lagsMs: number[]): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs one projection: holds its lease, follows the global log from the stored checkpoint and
 * applies each batch with its checkpoint atomically. A handler error stops it loudly (state
 * `failed`); it never skips the event. Transient failures and a moved checkpoint restart it.
 */
export function runProjection(options: ProjectionRunnerOptions) {
  const { name, eventStore, leases, logger } = options;
  const owner = `${process.pid}-${randomUUID()}`;
  const heartbeatMs = options.heartbeatMs ?? 2000;
  let state: ProjectionState = 'starting';
  let position: string | undefined;
  let error: string | undefined;
  let stopped = false;
  let subscription: Subscription | undefined;
  let wakeStop: (() => void) | undefined;

  const runOnce = async (): Promise<'again' | 'failed'> => {
    const store = await options.store();
    let checkpoint = await store.readCheckpoint();
    let applying = false;
    position = checkpoint;
    let ended: (outcome: unknown) => void = () => undefined;
    const done = new Promise<unknown>((resolve) => (ended = resolve));
    subscription = eventStore.subscribeToAll({
      after: checkpoint,
      batchSize: options.batchSize ?? 500,
      onEvents: async (events) => {
        const next = events[events.length - 1]!.position;
        applying = true;
        const changes = await store.applyBatch(events, checkpoint, next).finally(() => (applying = false));
        checkpoint = next;
        position = next;
        const committedAt = Date.now();
        options.onApplied?.(events.map((e) => committedAt - e.recordedAt.getTime()));
        if (changes.length) options.onChanges?.(changes, next);
      },
      onError: ended,
    });
    const heartbeat = setInterval(() => {
      leases.acquire(name, owner).then(
        (held) => !held && ended(new LeaseLostError(name)),
        () => undefined, // a failed renewal is retried; the lease outlives a few
      );
      // A read model that lost its data (a Redis FLUSHALL) lost its checkpoint with it: notice
      // even when no event arrives, and rebuild.
      if (!applying) {
        store.readCheckpoint().then(
          (stored) =>
            !applying && stored !== checkpoint && ended(new CheckpointMovedError(`${name} checkpoint moved`)),
          () => undefined,
        );
      }
    }, heartbeatMs);
    wakeStop = () => ended(undefined);
    // A stop() that came while this run was starting found nothing to wake: end now.
    if (stopped) ended(undefined);
    const outcome = await done;
    clearInterval(heartbeat);
    await subscription.stop();
    subscription = undefined;
    if (outcome === undefined) return 'again';
    if (outcome instanceof CheckpointMovedError) {
      logger.warn({ projection: name }, 'checkpoint moved; restarting from the stored checkpoint');
      return 'again';
    }
    if (outcome instanceof LeaseLostError) {
      logger.warn({ projection: name }, 'lease lost; standing by');
      return 'again';
    }
    if (isTransientError(outcome)) {
      logger.warn({ projection: name, err: outcome }, 'transient failure; restarting');
      await sleep(500);
      return 'again';
    }
    error = (outcome as Error)?.message ?? String(outcome);
    logger.error(
      { projection: name, position, err: outcome },
      'projection failed; stopped at its checkpoint',
    );
    return 'failed';
  };

  const loop = async () => {
    while (!stopped) {
      let held = false;
      try {
        held = await leases.acquire(name, owner);
      } catch (e) {
        logger.warn({ projection: name, err: e }, 'cannot reach the lease table');
      }
      if (!held) {
        state = 'standby';
        await sleep(1000);
        continue;
      }
      state = 'running';
      try {
        if ((await runOnce()) === 'failed') {
          state = 'failed';
          await leases.release(name, owner).catch(() => undefined);
          return;
        }
      } catch (e) {
        logger.warn({ projection: name, err: e }, 'projection restart after an error');
        await sleep(500);
      }
    }
  };

  const running = loop();

  return {
    name,
    async status(): Promise<ProjectionStatus> {
      let lagMs = 0;
      if (state === 'running' || state === 'failed') {
        const [next] = await eventStore.readAll({ after: position, limit: 1 });
        if (next) lagMs = Math.max(0, Date.now() - next.recordedAt.getTime());
      }
      return { name, state, position, lagMs, ...(error ? { error } : {}) };
    },
    async stop() {
      stopped = true;
      wakeStop?.();
      await running;
      if (state !== 'failed') state = 'stopped';
      await leases.release(name, owner).catch(() => undefined);
    },
  };
}

export type ProjectionRunner = ReturnType<typeof runProjection>;
