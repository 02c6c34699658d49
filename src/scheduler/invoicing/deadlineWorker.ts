import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { InvoiceCommands } from '../../commands';
import { InvoiceRuleError } from '../../invoicing';
import {
  INVOICE_DUE_JOB,
  OFFER_EXPIRY_JOB,
  AFTER_HAMMER_QUEUE,
  type DeadlineJobData,
} from './afterHammerProcess';

const SWEEP_JOB = 'sweep';

/** What the sweep finds past its deadline and still open, as the read model answers. */
export interface DueDeadlines {
  invoicesDueBy(now: Date, limit: number): Promise<string[]>;
  offersExpiredBy(now: Date, limit: number): Promise<Array<{ auctionId: string; offerId: string }>>;
}

interface Deps {
  queue: Queue<DeadlineJobData>;
  connection: ConnectionOptions;
  prefix: string;
  commands: InvoiceCommands;
  due: DueDeadlines;
  logger: Logger;
  sweepEverySeconds: number;
}

const atTheTime = async (at: number) => {
  const early = at - Date.now();
  if (early > 0) await new Promise((r) => setTimeout(r, Math.min(early, 5000)));
};

/**
 * The deadlines after the hammer: at an invoice's `dueAt` an open invoice becomes overdue, at an
 * offer's `expiresAt` an open offer expires (and goes to the next bidder). Each is a command the
 * decider makes a no-op when it is too early or already answered, so a job run twice, the sweep
 * and another instance's job change nothing more. The sweep (a repeatable job, put back after a
 * FLUSHALL) catches what a lost job did not.
 */
export function startDeadlineWorker(deps: Deps) {
  const { commands, logger } = deps;
  const quietly = (what: string, run: () => Promise<unknown>) =>
    run().catch((error: unknown) => {
      if (!(error instanceof InvoiceRuleError)) logger.warn({ err: error }, `${what} failed`);
    });
  const sweep = async () => {
    const now = new Date();
    for (const invoiceId of await deps.due.invoicesDueBy(now, 500))
      await quietly('overdue sweep', () => commands.markOverdue(invoiceId));
    for (const { auctionId, offerId } of await deps.due.offersExpiredBy(now, 500))
      await quietly('offer sweep', () => commands.expire(auctionId, offerId));
  };
  const jobs: Record<string, (job: Job<DeadlineJobData>) => Promise<unknown>> = {
    [SWEEP_JOB]: sweep,
    [INVOICE_DUE_JOB]: async ({ data }) => {
      await atTheTime(data.at);
      await commands.markOverdue(data.invoiceId!).catch((error: unknown) => {
        if (!(error instanceof InvoiceRuleError)) throw error;
      });
    },
    [OFFER_EXPIRY_JOB]: async ({ data }) => {
      await atTheTime(data.at);
      await commands.expire(data.auctionId!, data.offerId!).catch((error: unknown) => {
        if (!(error instanceof InvoiceRuleError)) throw error;
      });
    },
  };
  const worker = new Worker<DeadlineJobData>(AFTER_HAMMER_QUEUE, async (job) => jobs[job.name]?.(job), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: 20,
  });
  worker.on('error', (error) => logger.warn({ err: error }, 'deadline worker error'));
  worker.on('failed', (job, error) =>
    logger.warn({ err: error, jobId: job?.id }, 'deadline job failed; retried'),
  );
  const ensureSweep = () =>
    deps.queue
      .upsertJobScheduler(
        'sweep',
        { every: deps.sweepEverySeconds * 1000 },
        { name: SWEEP_JOB, data: { at: 0 } },
      )
      .catch((error: unknown) => logger.warn({ err: error }, 'cannot schedule the deadline sweep'));
  void ensureSweep();
  const keeper = setInterval(() => void ensureSweep(), Math.max(5, deps.sweepEverySeconds) * 1000);
  keeper.unref();
  return {
    sweep,
    async close() {
      clearInterval(keeper);
      await worker.close();
    },
  };
}
