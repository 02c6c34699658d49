import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventStore, Subscription } from '../events';
import { isTransientError } from '../platform';
import { applyFindingCulprit, getProjectionHold, type ProjectionFailure } from './projectionHold';
import type { Leases } from './leases';
import {
  CheckpointMovedError,
  LeaseLostError,
  type AuctionChange,
  type ProjectionStore,
} from './projectionStore';

export type { ProjectionFailure } from './projectionHold';
export { ProjectionEventError } from './projectionHold';

export type ProjectionState = 'starting' | 'standby' | 'running' | 'failed' | 'stopped';

export interface ProjectionStatus {
  name: string;
  state: ProjectionState;
  position: string | undefined;
  /** ms from the oldest event not yet applied to now; 0 when caught up. */
  lagMs: number;
  error?: string;
  /** While failed: the event it holds at, retried with a growing pause until it applies. */
  failure?: ProjectionFailure;
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
  /** Called each time an event cannot be applied (once per attempt: a metric counts them). */
  onFailed?(projection: string, failure: ProjectionFailure): void;
  /** The pauses between attempts at an event that failed; the last one repeats. */
  retryDelaysMs?: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs one projection: holds its lease, follows the global log from the stored checkpoint and
 * applies each batch with its checkpoint atomically. An event it cannot apply holds it there
 * (state `failed`, the event named in its status): it never skips the event, it says so once in
 * the log, lets its lease go (an instance with fixed code may take over) and tries again after a
 * growing pause, so it goes on by itself once the cause is gone. Transient failures and a moved
 * checkpoint restart it at once.
 */
export function runProjection(options: ProjectionRunnerOptions) {
  const { name, eventStore, leases, logger } = options;
  const owner = `${process.pid}-${randomUUID()}`;
  const heartbeatMs = options.heartbeatMs ?? 2000;
  let state: ProjectionState = 'starting';
  let position: string | undefined;
  let error: string | undefined;
  const hold = getProjectionHold(name, logger, options.onFailed);
  let stopped = false;
  let wakeRetry: (() => void) | undefined;
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
        applying = true;
        await applyFindingCulprit(store, events, checkpoint, (applied, changes, next) => {
          checkpoint = next;
          position = next;
          if (hold.failure) {
            hold.resumed(next);
            error = undefined;
          }
          const committedAt = Date.now();
          options.onApplied?.(applied.map((e) => committedAt - e.recordedAt.getTime()));
          if (changes.length) options.onChanges?.(changes, next);
        }).finally(() => (applying = false));
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
    error = hold.failed(outcome, position);
    return 'failed';
  };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeRetry = () => (clearTimeout(timer), resolve());
    }).finally(() => (wakeRetry = undefined));

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
          if (!stopped) await pause(hold.retryDelayMs(options.retryDelaysMs));
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
      if (state === 'running' || state === 'failed' || hold.failure) {
        const [next] = await eventStore.readAll({ after: position, limit: 1 });
        if (next) lagMs = Math.max(0, Date.now() - next.recordedAt.getTime());
      }
      // Between attempts, and during one, a projection holding at an event is failed.
      const { failure } = hold;
      const shown = failure && state !== 'stopped' ? 'failed' : state;
      return {
        name,
        state: shown,
        position,
        lagMs,
        ...(error ? { error } : {}),
        ...(failure ? { failure } : {}),
      };
    },
    async stop() {
      stopped = true;
      wakeStop?.();
      wakeRetry?.();
      await running;
      if (!hold.failure) state = 'stopped';
      await leases.release(name, owner).catch(() => undefined);
    },
  };
}

export type ProjectionRunner = ReturnType<typeof runProjection>;
