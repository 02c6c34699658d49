import { toNotification } from '../notifications';
import {
  POSTGRES_PROJECTION,
  REDIS_PROJECTION,
  changeMessage,
  currentGeneration,
  getLeases,
  postgresReadModel,
  publishChanges,
  redisReadModel,
  runProjection,
  type ProjectionRunner,
  type ProjectionStore,
  ANALYTICS_PROJECTION,
  analyticsStore,
  SALES_PROJECTION,
  saleStore,
  INVOICES_PROJECTION,
  invoiceStore,
  NOTIFICATIONS_PROJECTION,
  notificationStore,
  publishNotifications,
  type StoredNotification,
} from '../projections';
import { CheckFailedError, createKnex, type HealthCheck } from '../platform';

type RunOptions = Parameters<typeof runProjection>[0];
import type { Closers } from './closers';
import type { Infrastructure } from './infrastructure';
import type { StartOptions } from './startOptions';

/** The lease settings every runner of this process uses. */
export function leaseSettings(infra: Infrastructure, options: StartOptions) {
  const ttlSeconds = options.leaseTtlSeconds ?? infra.config.projectionLeaseTtlSeconds;
  return {
    leases: getLeases(infra.knex, ttlSeconds),
    heartbeatMs: options.heartbeatMs ?? (ttlSeconds * 1000) / 3,
  };
}

/** A runner's state, position and lag for /health/ready; a failed one fails the check. */
export const projectionCheck = (runner: ProjectionRunner): HealthCheck => ({
  name: `projection:${runner.name}`,
  check: async () => {
    const status = await runner.status();
    const { failure } = status;
    if (failure)
      throw new CheckFailedError(
        `holds at ${failure.eventType} (position ${failure.position}, stream ${failure.streamId}), which it cannot apply: ${failure.error}`,
        { ...failure, lagMs: status.lagMs },
      );
    if (status.state === 'failed') throw new Error(`failed: ${status.error}`);
    return { state: status.state, lagMs: status.lagMs, position: status.position };
  },
});

/** Per projection: each committed batch's size and its events' lag, into the metrics. */
function lagObserver(metrics: Infrastructure['metrics'], options: StartOptions) {
  return (name: string) => {
    // Bound to the projection's labels once: an event's lag is observed by every projection.
    const lag = metrics.projectionLag.labels({ projection: name });
    const batchEvents = metrics.projectionBatchEvents.labels({ projection: name });
    return (lagsMs: number[]) => {
      batchEvents.observe(lagsMs.length);
      for (const ms of lagsMs) lag.observe(ms / 1000);
      metrics.projectionLagQuantiles.observe(name, lagsMs);
      options.onProjectionLag?.(lagsMs);
    };
  };
}

/** Stored notifications onto the notification feed, for the `me` channels of every instance. */
const publishingNotifications =
  ({ redis, config, logger }: Infrastructure) =>
  (stored: StoredNotification[]) =>
    publishNotifications(redis, config.redisKeyPrefix, {
      notifications: stored.map((n) => ({ userId: n.userId, seq: n.seq, notification: toNotification(n) })),
    }).catch((error: unknown) => logger.warn({ err: error }, 'could not publish notifications'));

/**
 * The projector role: the PostgreSQL and Redis read models, each run under its lease. The
 * Redis one publishes every committed batch on the change feed for the live views.
 */
export function startProjectorRole(infra: Infrastructure, options: StartOptions, closers: Closers) {
  const { config, eventStore, logger, metrics, redis } = infra;
  const prefix = config.redisKeyPrefix;
  // Derived data: its commits need not wait for the WAL flush (a lost commit loses its checkpoint too).
  const readModelDb = createKnex(config.databaseUrl, 2, {
    durable: false,
    name: 'live-auctions projector: read models',
  });
  closers.add('read model pool', () => readModelDb.destroy());
  const common = {
    eventStore,
    logger,
    ...leaseSettings(infra, options),
    onFailed: (projection: string) => metrics.projectionFailures.inc({ projection }),
    onRestart: (projection: string, reason: string) => metrics.projectionRestarts.inc({ projection, reason }),
    retryDelaysMs: options.projectionRetryDelaysMs,
  };
  const onApplied = lagObserver(metrics, options);
  const run = (name: string, store: () => Promise<ProjectionStore>, more: Partial<RunOptions> = {}) =>
    runProjection({ ...common, name, onApplied: onApplied(name), store, ...more });
  const runners = [
    run(POSTGRES_PROJECTION, async () => postgresReadModel(readModelDb)),
    run(
      REDIS_PROJECTION,
      async () => redisReadModel(redis, { prefix, generation: await currentGeneration(redis, prefix) }),
      {
        onChanges: (changes, position) => {
          publishChanges(redis, prefix, changeMessage(changes, position)).catch((error: unknown) =>
            logger.warn({ err: error }, 'could not publish changes'),
          );
          options.onChanges?.(changes, position);
        },
      },
    ),
    // Durable commits (infra.knex): a notification once pushed live is never taken back.
    run(NOTIFICATIONS_PROJECTION, async () => notificationStore(infra.knex, publishingNotifications(infra))),
    run(ANALYTICS_PROJECTION, async () => analyticsStore(readModelDb)),
    run(SALES_PROJECTION, async () => saleStore(readModelDb)),
    run(INVOICES_PROJECTION, async () => invoiceStore(readModelDb)),
  ];
  closers.add('projections', () => Promise.all(runners.map((r) => r.stop())).then(() => undefined));
  return { runners, checks: runners.map(projectionCheck) };
}
