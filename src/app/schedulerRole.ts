import { getDueAuctions, getInvoiceQueries, getOpenAuctionsOfBidder } from '../read-api';
import { Queue } from 'bullmq';
import type { Knex } from 'knex';
import { getCancelBids, getInvoiceCommands, getSaleCommands, type CommandHandler } from '../commands';
import { createKnex, getPersonalDataVault, type HealthCheck } from '../platform';
import {
  SCHEDULER_PROJECTION,
  SCHEDULER_QUEUE,
  bullConnection,
  closeDelayMetric,
  startCloseWorker,
  closingReactor,
  closeInTurn,
  SALE_PROCESS,
  saleProcess,
  SUSPENSION_PROCESS,
  suspensionProcess,
  type CloseJobData,
  AFTER_HAMMER_PROCESS,
  AFTER_HAMMER_QUEUE,
  afterHammerProcess,
  startDeadlineWorker,
  type DeadlineJobData,
} from '../scheduler';
import { runProjection } from '../projections';
import type { Closers } from './closers';
import type { Infrastructure } from './infrastructure';
import { leaseSettings, projectionCheck } from './projectorRole';
import type { StartOptions } from './startOptions';

/** The sales' process manager, under its lease, checkpointed beside the closing reactor's. */
function startSaleProcess(
  infra: Infrastructure,
  handler: CommandHandler,
  options: StartOptions,
  closers: Closers,
  checkpointDb: Knex,
) {
  const { eventStore, logger } = infra;
  const runner = runProjection({
    name: SALE_PROCESS,
    eventStore,
    logger,
    ...leaseSettings(infra, options),
    onRestart: (projection, reason) => infra.metrics.projectionRestarts.inc({ projection, reason }),
    store: async () =>
      saleProcess({
        knex: checkpointDb,
        eventStore,
        handler,
        sales: getSaleCommands(eventStore, handler),
        logger,
      }),
  });
  closers.add('sale process', () => runner.stop());
  return runner;
}

/** The suspensions' process manager (their bids cancelled), under its lease. */
function startSuspensionProcess(infra: Infrastructure, options: StartOptions, closers: Closers) {
  const { eventStore, logger, knex } = infra;
  const runner = runProjection({
    name: SUSPENSION_PROCESS,
    eventStore,
    logger,
    ...leaseSettings(infra, options),
    onRestart: (projection, reason) => infra.metrics.projectionRestarts.inc({ projection, reason }),
    store: async () =>
      suspensionProcess({
        knex,
        eventStore,
        cancelBids: getCancelBids(eventStore),
        openAuctionsOf: getOpenAuctionsOfBidder(knex),
        logger,
        propagationMs: options.suspensionPropagationMs,
      }),
  });
  closers.add('suspension process', () => runner.stop());
  return runner;
}

/**
 * After the hammer: its process manager (invoices issued, deadlines planned, strikes given) under
 * its lease, and the worker of its deadlines (overdue invoices, expired offers) with its sweep.
 */
function startAfterHammer(infra: Infrastructure, options: StartOptions, closers: Closers, prefix: string) {
  const { config, eventStore, logger, knex } = infra;
  const connection = bullConnection(config.redisUrl);
  const queue = new Queue<DeadlineJobData>(AFTER_HAMMER_QUEUE, { connection, prefix });
  queue.on('error', (error) => logger.warn({ err: error }, 'deadline queue error'));
  closers.add('deadline queue', () => queue.close());
  const commands = getInvoiceCommands(eventStore, getPersonalDataVault(knex), config.afterHammer);
  const runner = runProjection({
    name: AFTER_HAMMER_PROCESS,
    eventStore,
    logger,
    ...leaseSettings(infra, options),
    onRestart: (projection, reason) => infra.metrics.projectionRestarts.inc({ projection, reason }),
    store: async () => afterHammerProcess({ knex, commands, queue, logger }),
  });
  closers.add('after the hammer process', () => runner.stop());
  const worker = startDeadlineWorker({
    queue,
    connection,
    prefix,
    commands,
    due: getInvoiceQueries(knex),
    logger,
    sweepEverySeconds: config.schedulerSweepSeconds,
  });
  closers.add('deadline worker', () => worker.close());
  return { runner, worker, queue };
}

/**
 * The scheduler role: the closing reactor (a projection that plans a delayed close job per
 * auction end) and the workers that send CloseAuction through the command handler.
 */
export function startSchedulerRole(
  infra: Infrastructure,
  handler: CommandHandler,
  options: StartOptions,
  closers: Closers,
) {
  const { config, eventStore, knex, logger, metrics } = infra;
  const connection = bullConnection(config.redisUrl);
  const prefix = `${config.redisKeyPrefix}bull`;
  const queue = new Queue<CloseJobData>(SCHEDULER_QUEUE, { connection, prefix });
  queue.on('error', (error) => logger.warn({ err: error }, 'scheduler queue error'));
  closers.add('close queue', () => queue.close());
  // The reactor's checkpoint is derived, like a read model's: its commits need not wait for the
  // WAL flush. A commit lost in a crash replays its batch, and the queue writes are idempotent.
  const checkpointDb = createKnex(config.databaseUrl, 1, {
    durable: false,
    name: 'live-auctions scheduler: checkpoint',
  });
  closers.add('scheduler checkpoint pool', () => checkpointDb.destroy());
  const reactor = runProjection({
    name: SCHEDULER_PROJECTION,
    eventStore,
    logger,
    ...leaseSettings(infra, options),
    onRestart: (projection, reason) => infra.metrics.projectionRestarts.inc({ projection, reason }),
    store: async () => closingReactor(checkpointDb, queue, eventStore, config.notifyEndingSoonSeconds),
  });
  closers.add('closing reactor', () => reactor.stop());
  const sales = startSaleProcess(infra, handler, options, closers, checkpointDb);
  const suspensions = startSuspensionProcess(infra, options, closers);
  const afterHammer = startAfterHammer(infra, options, closers, prefix);
  const closeDelay = closeDelayMetric(metrics.registry);
  const worker = startCloseWorker({
    queue,
    connection,
    prefix,
    handler,
    dueAuctions: getDueAuctions(knex),
    logger,
    sweepEverySeconds: config.schedulerSweepSeconds,
    endingSoonSeconds: config.notifyEndingSoonSeconds,
    onClosed: (delayMs) => closeDelay.observe(Math.max(0, delayMs) / 1000),
    mayClose: closeInTurn(eventStore),
  });
  closers.add('close workers', () => worker.close());
  const checks: HealthCheck[] = [
    projectionCheck(reactor),
    projectionCheck(sales),
    projectionCheck(suspensions),
    projectionCheck(afterHammer.runner),
    // The close queue answers, and says how much is waiting and failing in it.
    { name: 'schedulerQueue', check: () => queue.getJobCounts('delayed', 'waiting', 'active', 'failed') },
    // The deadlines after the hammer (overdue invoices, expiring offers), likewise.
    {
      name: 'deadlineQueue',
      check: () => afterHammer.queue.getJobCounts('delayed', 'waiting', 'active', 'failed'),
    },
  ];
  return { reactor, sales, suspensions, afterHammer: afterHammer.runner, worker, checks };
}
