import { randomUUID } from 'node:crypto';
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { type CommandHandler } from '../../commands';
import { AuctionRuleError } from '../../auction';
import { CLOSE_JOB, ENDING_SOON_JOB, type CloseJobData } from './closingReactor';

export const SCHEDULER_QUEUE = 'auction-closing';
const SWEEP_JOB = 'sweep';

/** Connection options for BullMQ from a redis:// URL (it brings its own ioredis). */
export function bullConnection(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

export interface DueAuctions {
  endedBy(now: Date, limit: number): Promise<Array<{ auctionId: string; endsAt: Date }>>;
  endingBetween(from: Date, to: Date, limit: number): Promise<string[]>;
}

interface Deps {
  queue: Queue<CloseJobData>;
  connection: ConnectionOptions;
  prefix: string;
  handler: CommandHandler;
  /** Open auctions past or near their end, as the auction read model answers (for the sweep). */
  dueAuctions: DueAuctions;
  logger: Logger;
  sweepEverySeconds: number;
  endingSoonSeconds: number;
  onClosed?(delayMs: number): void;
  /** Whether the auction may close now: a lot of a sale waits for the lot before it. */
  mayClose?(auctionId: string): Promise<boolean>;
}

/** A lot whose previous lot is still open: its close is tried again shortly (the job's retry, the sweep). */
export class PreviousLotOpenError extends Error {
  readonly code = 'PREVIOUS_LOT_OPEN';
}

const isRuleError = (error: unknown, ...codes: string[]) =>
  error instanceof AuctionRuleError && codes.includes(error.code);

const waitUntil = async (at: number) => {
  // A delayed job can be promoted a moment early (clocks, timers): wait for the time itself.
  const early = at - Date.now();
  if (early > 0) await new Promise((r) => setTimeout(r, Math.min(early, 5000)));
};

/** The scheduler's two commands, each a no-op (false) when the auction is already over. */
function closingCommands({ handler, logger, endingSoonSeconds, mayClose }: Deps) {
  const close = async (auctionId: string, plannedEnd?: number) => {
    if (mayClose && !(await mayClose(auctionId)))
      throw new PreviousLotOpenError(`${auctionId} waits for the lot before it to close`);
    try {
      const reply = await handler.handle({
        auctionId,
        userId: null,
        correlationId: randomUUID(),
        command: { type: 'CloseAuction', now: new Date() },
      });
      const delayMs = plannedEnd === undefined ? undefined : Date.now() - plannedEnd;
      logger.info(
        { auctionId, revision: reply.revision, position: reply.position, delayMs },
        'auction closed',
      );
      return true;
    } catch (error) {
      if (isRuleError(error, 'AUCTION_NOT_OPEN', 'AUCTION_NOT_FOUND')) return false; // closed or cancelled already
      throw error;
    }
  };
  /**
   * The ending-soon notice, once per auction: its idempotency key makes a second one (a job run
   * twice, the sweep, another instance) a replay that records nothing.
   */
  const markEndingSoon = async (auctionId: string) => {
    try {
      await handler.handle({
        auctionId,
        userId: null,
        correlationId: randomUUID(),
        idempotencyKey: 'ending-soon',
        requestHash: 'ending-soon',
        command: { type: 'MarkEndingSoon', data: { withinSeconds: endingSoonSeconds }, now: new Date() },
      });
    } catch (error) {
      // over, or extended: the job planned for the new end sends it
      if (isRuleError(error, 'AUCTION_NOT_OPEN', 'AUCTION_NOT_FOUND', 'NOT_ENDING_SOON')) return;
      throw error;
    }
  };
  return { close, markEndingSoon };
}

/** What each job does: a planned close, a planned ending-soon notice, and the sweep. */
function closingJobs(deps: Deps) {
  const { logger } = deps;
  const { close, markEndingSoon } = closingCommands(deps);
  const closeDue = async ({ data: { auctionId, endsAt } }: Job<CloseJobData>) => {
    await waitUntil(endsAt);
    try {
      if (await close(auctionId, endsAt)) deps.onClosed?.(Date.now() - endsAt);
    } catch (error) {
      if (!isRuleError(error, 'AUCTION_NOT_ENDED') || Date.now() < endsAt) throw error; // still early: retry
      // extended: the job planned for the new end closes it
    }
  };
  const endingSoonDue = async ({ data: { auctionId, endsAt } }: Job<CloseJobData>) => {
    await waitUntil(endsAt - deps.endingSoonSeconds * 1000);
    await markEndingSoon(auctionId);
  };
  /** Notices a lost job did not send: open auctions within the window (each a no-op if sent). */
  const sweepEndingSoon = async () => {
    const now = Date.now();
    const within = new Date(now + deps.endingSoonSeconds * 1000);
    for (const auctionId of await deps.dueAuctions.endingBetween(new Date(now), within, 500))
      await markEndingSoon(auctionId).catch((error: unknown) =>
        logger.warn({ err: error, auctionId }, 'sweep could not send an ending-soon notice'),
      );
  };
  const sweep = async () => {
    await sweepEndingSoon();
    for (const { auctionId, endsAt } of await deps.dueAuctions.endedBy(new Date(), 500)) {
      try {
        if (!(await close(auctionId))) continue;
        const delayMs = Date.now() - endsAt.getTime();
        deps.onClosed?.(delayMs);
        logger.warn({ auctionId, delayMs }, 'sweep closed an auction its job did not');
      } catch (error) {
        if (!isRuleError(error, 'AUCTION_NOT_ENDED') && !(error instanceof PreviousLotOpenError))
          logger.warn({ err: error, auctionId }, 'sweep could not close');
      }
    }
  };
  return { closeDue, endingSoonDue, sweep };
}

/** The sweep's repeatable job lives in Redis: put it back regularly (a FLUSHALL removes it). */
function keepSweepScheduled({ queue, sweepEverySeconds, logger }: Deps) {
  const ensureSweep = () =>
    queue
      .upsertJobScheduler(
        'sweep',
        { every: sweepEverySeconds * 1000 },
        { name: SWEEP_JOB, data: { auctionId: '', endsAt: 0 } },
      )
      .catch((error: unknown) => logger.warn({ err: error }, 'cannot schedule the sweep'));
  void ensureSweep();
  const keeper = setInterval(() => void ensureSweep(), Math.max(5, sweepEverySeconds) * 1000);
  keeper.unref();
  return keeper;
}

/**
 * Sends CloseAuction through the command handler when a close job is due, and sweeps: a
 * repeatable job closes every auction whose end has passed and that is still open, so a lost
 * job, a flushed Redis or an outage still ends in a close. The decider and the expected
 * revision make a second close impossible; a close that finds the auction extended, closed or
 * cancelled is a no-op.
 */
export function startCloseWorker(deps: Deps) {
  const { logger } = deps;
  const { closeDue, endingSoonDue, sweep } = closingJobs(deps);
  const jobs: Record<string, (job: Job<CloseJobData>) => Promise<void>> = {
    [SWEEP_JOB]: () => sweep(),
    [CLOSE_JOB]: closeDue,
    [ENDING_SOON_JOB]: endingSoonDue,
  };
  const worker = new Worker<CloseJobData>(SCHEDULER_QUEUE, async (job) => jobs[job.name]?.(job), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: 50,
  });
  worker.on('error', (error) => logger.warn({ err: error }, 'scheduler worker error'));
  worker.on('failed', (job, error) =>
    logger.warn({ err: error, jobId: job?.id }, 'close job failed; retried'),
  );
  const keeper = keepSweepScheduled(deps);
  return {
    sweep,
    async close() {
      clearInterval(keeper);
      await worker.close();
    },
  };
}
