import type { Logger } from 'pino';
import type { RecordedEvent } from '../events';
import { isTransientError } from '../platform';
import {
  CheckpointMovedError,
  LeaseLostError,
  type AuctionChange,
  type ProjectionStore,
} from './projectionStore';

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

const isRestart = (error: unknown) =>
  error instanceof CheckpointMovedError || error instanceof LeaseLostError || isTransientError(error);

/**
 * Applies a batch; when it fails for a reason other than a restart, applies its events one at a
 * time (each with its checkpoint) so that those before the culprit are kept and the culprit is
 * known: a ProjectionEventError naming it.
 */
export async function applyFindingCulprit(
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

const RETRY_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000];

/**
 * A projection holding at an event it cannot apply: what its status shows, said once in the log
 * per event and error, counted at every attempt, and the pause before the next attempt.
 */
export function getProjectionHold(
  name: string,
  logger: Logger,
  onFailed?: (projection: string, failure: ProjectionFailure) => void,
) {
  let failure: ProjectionFailure | undefined;
  return {
    get failure() {
      return failure;
    },
    /** Records an attempt that failed; answers the error's message. */
    failed(outcome: unknown, position: string | undefined): string {
      const error = (outcome as Error)?.message ?? String(outcome);
      const event = outcome instanceof ProjectionEventError ? outcome.event : undefined;
      const at = event?.position ?? position ?? '';
      const same = failure !== undefined && failure.position === at && failure.error === error;
      failure = {
        position: at,
        eventType: event?.type ?? 'unknown',
        streamId: event?.streamId ?? 'unknown',
        error,
        since: same ? failure!.since : new Date().toISOString(),
        attempts: same ? failure!.attempts + 1 : 1,
      };
      onFailed?.(name, failure);
      if (!same)
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
      return error;
    },
    resumed(position: string) {
      logger.info(
        { projection: name, position, after: failure },
        'projection applied the event it held at; going on',
      );
      failure = undefined;
    },
    retryDelayMs(delays = RETRY_DELAYS_MS): number {
      return delays[Math.min((failure?.attempts ?? 1) - 1, delays.length - 1)]!;
    },
  };
}
