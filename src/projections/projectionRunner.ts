import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventStore, RecordedEvent, Subscription } from '../events';
import { isTransientError } from '../platform';
import type { Leases } from './leases';
import {
  CheckpointMovedError,
  LeaseLostError,
  type AuctionChange,
  type ProjectionStore,
} from './projectionStore';

export type ProjectionState = 'starting' | 'standby' | 'running' | 'failed' | 'stopped';

/** Where a projection holds: the event it cannot apply, and why. */
export interface ProjectionFailure {
  position: string;
  eventType: string;
  streamId: string;
  error: string;
  since: string;
  attempts: number;
}

/** An event a projection's handler could not apply (a bug, or data it does not expect). */
export class ProjectionEventError extends Error {
  constructor(
    readonly event: RecordedEvent,
    override readonly cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause));
    this.name = 'ProjectionEventError';
  }
}

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

const RETRY_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000];

const isRestart = (error: unknown) =>
  error instanceof CheckpointMovedError || error instanceof LeaseLostError || isTransientError(error);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Applies a batch; when it fails for a reason other than a restart, applies its events one at a
 * time (each with its checkpoint) so that those before the culprit are kept and the culprit is
 * known: a ProjectionEventError naming it.
 */
async function applyFindingCulprit(
  store: ProjectionStore,
  events: RecordedEvent[],
  checkpoint: string | undefined,
  onCommitted: (applied: RecordedEvent[], changes: AuctionChange[], next: string) => void,
): Promise<void> {
  const next = events[events.length - 1]!.position;
  try {
    return onCommitted(events, await store.applyBatch(events, checkpoint, next), next);
  } catch (error) {
    if (isRestart(error)) throw error;
    if (events.length === 1) throw new ProjectionEventError(events[0]!, error);
  }
  let at = checkpoint;
  for (const event of events) {
    let changes: AuctionChange[];
    try {
      changes = await store.applyBatch([event], at, event.position);
    } catch (error) {
      throw isRestart(error) ? error : new ProjectionEventError(event, error);
    }
    at = event.position;
    onCommitted([event], changes, event.position);
  }
}

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
  let failure: ProjectionFailure | undefined;
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
          if (failure) resumed();
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
    failed(outcome);
    return 'failed';
  };

  /** Holds at the event: said once in the log per event and error, counted at every attempt. */
  const failed = (outcome: unknown) => {
    error = (outcome as Error)?.message ?? String(outcome);
    const event = outcome instanceof ProjectionEventError ? outcome.event : undefined;
    const at = event?.position ?? position ?? '';
    const same = failure && failure.position === at && failure.error === error;
    failure = {
      position: at,
      eventType: event?.type ?? 'unknown',
      streamId: event?.streamId ?? 'unknown',
      error,
      since: same ? failure!.since : new Date().toISOString(),
      attempts: same ? failure!.attempts + 1 : 1,
    };
    options.onFailed?.(name, failure);
    if (same) return;
    logger.error(
      {
        projection: name,
        position: at,
        eventType: failure.eventType,
        streamId: failure.streamId,
        err: (outcome as ProjectionEventError)?.cause ?? outcome,
      },
      'projection cannot apply an event; holding at it and retrying (it is never skipped)',
    );
  };

  const resumed = () => {
    logger.info(
      { projection: name, position, after: failure },
      'projection applied the event it held at; going on',
    );
    failure = undefined;
    error = undefined;
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
          const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
          if (!stopped) await pause(delays[Math.min(failure!.attempts - 1, delays.length - 1)]!);
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
      if (state === 'running' || state === 'failed' || failure) {
        const [next] = await eventStore.readAll({ after: position, limit: 1 });
        if (next) lagMs = Math.max(0, Date.now() - next.recordedAt.getTime());
      }
      // Between attempts, and during one, a projection holding at an event is failed.
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
      if (!failure) state = 'stopped';
      await leases.release(name, owner).catch(() => undefined);
    },
  };
}

export type ProjectionRunner = ReturnType<typeof runProjection>;
