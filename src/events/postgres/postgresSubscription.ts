import type { RecordedEvent, SubscribeOptions, Subscription } from '../eventStore';
import type { ChangeSignal } from './changeSignal';

interface Deps {
  /**
   * A page of the log and, when it returned rows, whether committed events wait above the
   * horizon; `more` when it came from memory and the database may have more already.
   */
  readBatch(
    after: string | undefined,
    limit: number,
  ): Promise<{ events: RecordedEvent[]; blocked?: boolean; more?: boolean; scannedTo?: string }>;
  eventsAboveHorizon(): Promise<boolean>;
  signal: ChangeSignal;
  pollIntervalMs: number;
}

// Committed events wait behind a transaction in flight: look again soon, backing off.
const BLOCKED_RETRY_MS = [2, 5, 10, 20];
const MAX_READ_BACKOFF_MS = 5000;

/**
 * Catch-up then live: read a batch after the last delivered position, hand it over, repeat; when
 * nothing is left, wait for a change signal (or poll). Delivery is strictly sequential, so the
 * subscriber sees each event once, in log order. Read failures (database restarting) are retried
 * with backoff; a handler failure stops the subscription and is reported, never skipped.
 */
export function postgresSubscription(options: SubscribeOptions, deps: Deps): Subscription {
  const batchSize = options.batchSize ?? 500;
  let after = options.after;
  let stopped = false;
  let caughtUp = false;

  const sleep = (ms: number) => deps.signal.wait(Number.NaN, ms); // NaN never equals the version

  const run = async () => {
    let backoff = 100;
    let blockedRetries = 0;
    while (!stopped) {
      const seen = deps.signal.version();
      let batch: Awaited<ReturnType<Deps['readBatch']>> & { blocked: boolean };
      try {
        const read = await deps.readBatch(after, batchSize);
        batch = { ...read, blocked: read.blocked ?? (await deps.eventsAboveHorizon()) };
        backoff = 100;
      } catch {
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_READ_BACKOFF_MS);
        continue;
      }
      if (stopped) return;
      const { events, blocked, scannedTo, more } = batch;
      if (events.length > 0) {
        try {
          await options.onEvents(events);
        } catch (error) {
          stopped = true;
          options.onError?.(error);
          return;
        }
        after = scannedTo ?? events[events.length - 1]!.position;
        options.onProgress?.(after);
        blockedRetries = 0;
        if (events.length === batchSize || more) continue;
      }
      // A filtered page moves past the events it left out (and says whether the log goes on).
      const moved = scannedTo !== undefined && (after === undefined || scannedTo > after);
      if (moved) after = scannedTo;
      if (moved) options.onProgress?.(scannedTo);
      if (scannedTo !== undefined && more) continue;
      if (blocked) {
        await sleep(BLOCKED_RETRY_MS[Math.min(blockedRetries++, BLOCKED_RETRY_MS.length - 1)]!);
        continue;
      }
      if (!caughtUp) {
        caughtUp = true;
        options.onCaughtUp?.();
      }
      await deps.signal.wait(seen, deps.pollIntervalMs);
    }
  };

  const running = run();
  return {
    async stop() {
      stopped = true;
      deps.signal.wakeAll();
      await running;
    },
  };
}
