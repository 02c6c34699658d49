import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventStore, RecordedEvent } from '../events';
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
  /** Called each time a run ends and starts again from the stored checkpoint, with why. */
  onRestart?(projection: string, reason: 'checkpoint_moved' | 'lease_lost' | 'transient'): void;
  /** Called each time an event cannot be applied (once per attempt: a metric counts them). */
  onFailed?(projection: string, failure: ProjectionFailure): void;
  /** The pauses between attempts at an event that failed; the last one repeats. */
  retryDelaysMs?: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What one runner knows of itself: read by its status, changed by its loop. */
interface RunnerCell {
  readonly owner: string;
  readonly hold: ReturnType<typeof getProjectionHold>;
  state: ProjectionState;
  position: string | undefined;
  error: string | undefined;
  stopped: boolean;
  wakeRetry?: () => void;
  wakeStop?: () => void;
}

/**
 * Every heartbeat renews the lease (ending the run when another owner holds it) and, between
 * batches, compares the stored checkpoint with its own: a read model that lost its data (a Redis
 * FLUSHALL) lost its checkpoint with it, noticed even when no event arrives, and rebuilt.
 */
function startHeartbeat(
  options: ProjectionRunnerOptions,
  cell: RunnerCell,
  store: ProjectionStore,
  session: { checkpoint: string | undefined; applying: boolean },
  end: (outcome: unknown) => void,
) {
  const { name, leases } = options;
  return setInterval(() => {
    leases.acquire(name, cell.owner).then(
      (held) => !held && end(new LeaseLostError(name)),
      () => undefined, // a failed renewal is retried; the lease outlives a few
    );
    if (session.applying) return;
    // What this run wrote last: the last batch's position, or a lazy store's last write (which a
    // timer of its own may move while the stored one is read: either value is its own).
    const mine = () => (store.writtenCheckpoint ? store.writtenCheckpoint() : session.checkpoint);
    const before = mine();
    store.readCheckpoint().then(
      (stored) =>
        !session.applying &&
        stored !== before &&
        stored !== mine() &&
        end(new CheckpointMovedError(`${name} checkpoint moved`)),
      () => undefined,
    );
  }, options.heartbeatMs ?? 2000);
}

/** Follows the log from the stored checkpoint until the run ends; resolves with why it ended. */
async function followFromCheckpoint(options: ProjectionRunnerOptions, cell: RunnerCell): Promise<unknown> {
  const store = await options.store();
  const session = { checkpoint: await store.readCheckpoint(), applying: false };
  cell.position = session.checkpoint;
  let end: (outcome: unknown) => void = () => undefined;
  const ended = new Promise<unknown>((resolve) => (end = resolve));
  const onCommitted = (applied: RecordedEvent[], changes: AuctionChange[], next: string) => {
    session.checkpoint = next;
    cell.position = next;
    if (cell.hold.failure) {
      cell.hold.resumed(next);
      cell.error = undefined;
    }
    const committedAt = Date.now();
    options.onApplied?.(applied.map((e) => committedAt - e.recordedAt.getTime()));
    if (changes.length) options.onChanges?.(changes, next);
  };
  const subscription = options.eventStore.subscribeToAll({
    after: session.checkpoint,
    batchSize: options.batchSize ?? 500,
    onEvents: async (events) => {
      session.applying = true;
      await applyFindingCulprit(store, events, session.checkpoint, onCommitted).finally(
        () => (session.applying = false),
      );
    },
    onError: end,
  });
  const heartbeat = startHeartbeat(options, cell, store, session, end);
  cell.wakeStop = () => end(undefined);
  // A stop() that came while this run was starting found nothing to wake: end now.
  if (cell.stopped) end(undefined);
  const outcome = await ended;
  clearInterval(heartbeat);
  await subscription.stop();
  return outcome;
}

/** One run under the lease: 'again' to go on (a restart), 'failed' to hold at an event. */
async function runOnce(options: ProjectionRunnerOptions, cell: RunnerCell): Promise<'again' | 'failed'> {
  const { name, logger } = options;
  const outcome = await followFromCheckpoint(options, cell);
  if (outcome === undefined) return 'again';
  const restart = (reason: 'checkpoint_moved' | 'lease_lost' | 'transient', message: string) => {
    logger.warn({ projection: name, ...(reason === 'transient' ? { err: outcome } : {}) }, message);
    options.onRestart?.(name, reason);
    return 'again' as const;
  };
  if (outcome instanceof CheckpointMovedError)
    return restart('checkpoint_moved', 'checkpoint moved; restarting from the stored checkpoint');
  if (outcome instanceof LeaseLostError) return restart('lease_lost', 'lease lost; standing by');
  if (isTransientError(outcome)) {
    await sleep(500);
    return restart('transient', 'transient failure; restarting');
  }
  cell.error = cell.hold.failed(outcome, cell.position);
  return 'failed';
}

/** A pause that stop() cuts short. */
const pause = (cell: RunnerCell, ms: number) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    cell.wakeRetry = () => (clearTimeout(timer), resolve());
  }).finally(() => (cell.wakeRetry = undefined));

/** Takes the lease when it is free, runs, and after a failure lets it go and waits its turn. */
async function keepProjecting(options: ProjectionRunnerOptions, cell: RunnerCell) {
  const { name, leases, logger } = options;
  while (!cell.stopped) {
    let held = false;
    try {
      held = await leases.acquire(name, cell.owner);
    } catch (e) {
      logger.warn({ projection: name, err: e }, 'cannot reach the lease table');
    }
    if (!held) {
      cell.state = 'standby';
      await sleep(1000);
      continue;
    }
    cell.state = 'running';
    try {
      if ((await runOnce(options, cell)) === 'failed') {
        cell.state = 'failed';
        await leases.release(name, cell.owner).catch(() => undefined);
        if (!cell.stopped) await pause(cell, cell.hold.retryDelayMs(options.retryDelaysMs));
      }
    } catch (e) {
      logger.warn({ projection: name, err: e }, 'projection restart after an error');
      await sleep(500);
    }
  }
}

async function statusOf(options: ProjectionRunnerOptions, cell: RunnerCell): Promise<ProjectionStatus> {
  const { state, position, error, hold } = cell;
  let lagMs = 0;
  if (state === 'running' || state === 'failed' || hold.failure) {
    const [next] = await options.eventStore.readAll({ after: position, limit: 1 });
    if (next) lagMs = Math.max(0, Date.now() - next.recordedAt.getTime());
  }
  // Between attempts, and during one, a projection holding at an event is failed.
  const { failure } = hold;
  const shown = failure && state !== 'stopped' ? 'failed' : state;
  return {
    name: options.name,
    state: shown,
    position,
    lagMs,
    ...(error ? { error } : {}),
    ...(failure ? { failure } : {}),
  };
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
  const { name, leases, logger } = options;
  const cell: RunnerCell = {
    owner: `${process.pid}-${randomUUID()}`,
    hold: getProjectionHold(name, logger, options.onFailed),
    state: 'starting',
    position: undefined,
    error: undefined,
    stopped: false,
  };
  const running = keepProjecting(options, cell);
  return {
    name,
    status: () => statusOf(options, cell),
    async stop() {
      cell.stopped = true;
      cell.wakeStop?.();
      cell.wakeRetry?.();
      await running;
      if (!cell.hold.failure) cell.state = 'stopped';
      await leases.release(name, cell.owner).catch(() => undefined);
    },
  };
}

export type ProjectionRunner = ReturnType<typeof runProjection>;
