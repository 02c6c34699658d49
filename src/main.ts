/**
 * Composition root: reads the configuration, builds every part and passes it in. Starts the
 * roles named in ROLES. `startApp` is also what the end-to-end tests start.
 */
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Redis from 'ioredis';
import { accountMigrations, accountsRoutes, getAccountsStore, getJwtAuth, getTokenIssuer } from './auth';
import { commandRoutes, getCommandHandler } from './commands';
import { EventStore, eventStoreMigrations, getEventStoreDbEventStore, getPostgresEventStore } from './events';
import {
  Config,
  Logger,
  type OpenApiDocument,
  type RateLimitConfig,
  createHttpApp,
  createKnex,
  createLogger,
  createPool,
  createMetrics,
  createRedis,
  answerClientError,
  apiDocsRoutes,
  buildOpenApi,
  httpShell,
  isDocumentedRouter,
  observeCommand,
  rateLimit,
  ensureDatabase,
  metricsRoutes,
  healthRoutes,
  loadConfig,
  runMigrations,
} from './platform';
import {
  POSTGRES_PROJECTION,
  REDIS_PROJECTION,
  changeMessage,
  publishChanges,
  subscribeChanges,
  currentGeneration,
  getLeases,
  postgresReadModel,
  projectionMigrations,
  redisAuctionViews,
  redisReadModel,
  runProjection,
  type AuctionChange,
  type AuctionView,
  type ProjectionRunner,
} from './projections';
import {
  auctionHistory,
  readModelView,
  realtimeGateway,
  type GatewayDeps,
  type RealtimeGateway,
} from './realtime';
import { Queue } from 'bullmq';
import type { Express, Request, Router } from 'express';
import {
  SCHEDULER_PROJECTION,
  SCHEDULER_QUEUE,
  bullConnection,
  closeWorker,
  closingReactor,
  type CloseJobData,
} from './scheduler';
import { getAuctionQueries, historyRoutes, hotAuctionRoute, hotViews, queryRoutes } from './read-api';
import { pageRoutes } from './web';
import { readFileSync } from 'node:fs';
import path from 'node:path';

// package.json sits beside src/ and dist/ alike.
const { version } = JSON.parse(readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')) as {
  version: string;
};

export interface RunningApp {
  server: Server;
  url: string;
  port: number;
  eventStore: EventStore;
  redis: Redis;
  projections: ProjectionRunner[];
  scheduler: { sweep(): Promise<void> } | undefined;
  gateway: RealtimeGateway | undefined;
  openApi: OpenApiDocument;
  /** The express app behind the server (the hot route answers in front of it). */
  httpApp: Express;
  stop(): Promise<void>;
}

/** How long open HTTP connections may take to finish their requests when stopping. */
const SHUTDOWN_DRAIN_MS = 5000;

export interface StartOptions {
  /** Lease time-to-live and heartbeat of the projections (tests shorten them). */
  leaseTtlSeconds?: number;
  heartbeatMs?: number;
  onChanges?(changes: AuctionChange[], position: string): void;
  onProjectionLag?(lagsMs: number[]): void;
  websocketLimits?: GatewayDeps['limits'];
}

/** The close queue answers, and says how much is waiting and failing in it. */
const queueCheck = (queue: Queue<CloseJobData>) => () =>
  queue.getJobCounts('delayed', 'waiting', 'active', 'failed');

async function waitForRedis(redis: Redis, timeoutMs: number) {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Redis is not reachable')), timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function startApp(
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningApp> {
  await ensureDatabase(config.databaseUrl);
  const knex = createKnex(config.databaseUrl, 10);
  const applied = await runMigrations(knex, [
    ...eventStoreMigrations,
    ...accountMigrations,
    ...projectionMigrations,
  ]);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');

  const pool = createPool(config.databaseUrl, 20);
  const eventStore = config.eventStoreConnectionString
    ? getEventStoreDbEventStore({ connectionString: config.eventStoreConnectionString })
    : getPostgresEventStore({ pool, connectionString: config.databaseUrl });
  const redis = createRedis(config.redisUrl);
  await waitForRedis(redis, 10_000);
  const prefix = config.redisKeyPrefix;

  const metrics = createMetrics();
  const projections: ProjectionRunner[] = [];
  let projectionKnex: ReturnType<typeof createKnex> | undefined;
  if (config.roles.includes('projector')) {
    const leaseTtlSeconds = options.leaseTtlSeconds ?? config.projectionLeaseTtlSeconds;
    const leases = getLeases(knex, leaseTtlSeconds);
    const common = {
      eventStore,
      leases,
      logger,
      heartbeatMs: options.heartbeatMs ?? (leaseTtlSeconds * 1000) / 3,
    };
    const onApplied = (name: string) => (lagsMs: number[]) => {
      for (const ms of lagsMs) {
        metrics.projectionLag.observe({ projection: name }, ms / 1000);
        metrics.projectionLagSummary.observe({ projection: name }, ms / 1000);
      }
      options.onProjectionLag?.(lagsMs);
    };
    projectionKnex = createKnex(config.databaseUrl, 2, { durable: false });
    const readModelDb = projectionKnex;
    projections.push(
      runProjection({
        ...common,
        name: POSTGRES_PROJECTION,
        onApplied: onApplied(POSTGRES_PROJECTION),
        store: async () => postgresReadModel(readModelDb),
      }),
      runProjection({
        ...common,
        name: REDIS_PROJECTION,
        onApplied: onApplied(REDIS_PROJECTION),
        onChanges: (changes, position) => {
          publishChanges(redis, prefix, changeMessage(changes, position)).catch((error: unknown) =>
            logger.warn({ err: error }, 'could not publish changes'),
          );
          options.onChanges?.(changes, position);
        },
        store: async () =>
          redisReadModel(redis, { prefix, generation: await currentGeneration(redis, prefix) }),
      }),
    );
  }

  const commandHandler = getCommandHandler({
    eventStore,
    onHandled: (command, outcome, seconds) => observeCommand(metrics, command, outcome, seconds),
  });
  let closing: ReturnType<typeof closeWorker> | undefined;
  let closeQueue: Queue<CloseJobData> | undefined;
  if (config.roles.includes('scheduler')) {
    const connection = bullConnection(config.redisUrl);
    const bullPrefix = `${prefix}bull`;
    const queue = (closeQueue = new Queue<CloseJobData>(SCHEDULER_QUEUE, { connection, prefix: bullPrefix }));
    queue.on('error', (error) => logger.warn({ err: error }, 'scheduler queue error'));
    const leaseTtlSeconds = options.leaseTtlSeconds ?? config.projectionLeaseTtlSeconds;
    projections.push(
      runProjection({
        name: SCHEDULER_PROJECTION,
        eventStore,
        leases: getLeases(knex, leaseTtlSeconds),
        logger,
        heartbeatMs: options.heartbeatMs ?? (leaseTtlSeconds * 1000) / 3,
        store: async () => closingReactor(knex, queue, eventStore),
      }),
    );
    closing = closeWorker({
      queue,
      connection,
      prefix: bullPrefix,
      handler: commandHandler,
      knex,
      logger,
      sweepEverySeconds: config.schedulerSweepSeconds,
      onClosed: (delayMs) => metrics.closeDelay.observe(Math.max(0, delayMs) / 1000),
    });
  }

  const tokens = getTokenIssuer(config.jwtSecret, config.jwtTtlSeconds);
  const { requireAuth, optionalAuth, requireRole, verifyToken } = getJwtAuth(tokens.key);
  const queries = getAuctionQueries(knex);
  const views = redisAuctionViews(redis, prefix);
  const hot = hotViews();
  let gateway: RealtimeGateway | undefined;
  const changeFeed = subscribeChanges(config.redisUrl, prefix, {
    onMessage: (message) => {
      hot.apply(message, Date.now());
      gateway?.onChange(message);
    },
    onReset: () => {
      hot.reset();
      gateway?.onFeedReset();
    },
  });
  await changeFeed.ready;
  const postgresCheckpoint = postgresReadModel(knex);

  const limit = (name: string, settings: RateLimitConfig | undefined, keyOf: (req: Request) => string) =>
    settings &&
    rateLimit({
      ...settings,
      name,
      redis,
      keyPrefix: prefix,
      keyOf,
      onLimited: () => metrics.rateLimited.inc({ limit: name }),
    });
  const authRateLimit = limit('auth', config.authRateLimit, (req) => req.ip ?? 'unknown');
  const bidRateLimit = limit('bids', config.bidRateLimit, (req) => req.auth!.userId);

  const routers: Router[] = [
    metricsRoutes(metrics),
    healthRoutes([
      { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
      { name: 'redis', check: async () => void (await redis.ping()) },
      {
        name: 'eventStore',
        check: async () => {
          await eventStore.ping();
          return { kind: eventStore.kind };
        },
      },
      ...projections.map((p) => ({
        name: `projection:${p.name}`,
        check: async () => {
          const status = await p.status();
          if (status.state === 'failed') throw new Error(`failed: ${status.error}`);
          return { state: status.state, lagMs: status.lagMs, position: status.position };
        },
      })),
      ...(closeQueue ? [{ name: 'schedulerQueue', check: queueCheck(closeQueue) }] : []),
    ]),
  ];
  if (config.roles.includes('api')) {
    routers.push(
      accountsRoutes({ accounts: getAccountsStore(knex), tokens, requireAuth, authRateLimit }),
      commandRoutes({ handler: commandHandler, requireAuth, bidRateLimit }),
      queryRoutes({
        queries,
        redis: views,
        hot,
        postgresPosition: () => postgresCheckpoint.readCheckpoint(),
        optionalAuth,
        requireAuth,
      }),
      historyRoutes({ eventStore, requireAuth, requireRole }),
      pageRoutes(),
    );
  }
  routers.push(apiDocsRoutes(() => openApi));
  const openApi = buildOpenApi(
    {
      title: 'Live auctions',
      version,
      description:
        'Event-sourced live auctions. Live updates are on the WebSocket at /ws (see docs/asyncapi.json).',
    },
    routers.flatMap((r) => (isDocumentedRouter(r) ? r.routeSpecs : [])),
  );
  const app = createHttpApp({ logger, routers, trustProxy: config.trustProxy });

  const shell = httpShell({ logger, metrics, corsOrigins: config.corsOrigins });
  let draining = false;
  const hotRoute = hotAuctionRoute(hot);
  const server = createServer(
    shell.fast(
      '/auctions/:id',
      (req) => (draining ? undefined : hotRoute(req)),
      (req, res) => {
        // While stopping, a request on a kept-alive connection is answered and the connection closed.
        if (draining) res.setHeader('Connection', 'close');
        app(req, res);
      },
    ),
  );
  server.on('clientError', answerClientError);
  if (config.roles.includes('api')) {
    gateway = realtimeGateway({
      server,
      logger,
      verifyToken,
      currentView: readModelView(async (auctionId) => {
        const { view } = await views.fetch(auctionId).catch(() => ({ view: undefined }));
        if (view) return JSON.parse(view.viewJson) as AuctionView;
        return queries.get(auctionId, undefined, new Date());
      }, eventStore),
      history: auctionHistory(eventStore),
      limits: options.websocketLimits,
      onConnectionsChanged: (open) => metrics.websocketConnections.set(open),
      onMessageSent: () => metrics.websocketMessages.inc({ direction: 'out' }),
      onMessageReceived: () => metrics.websocketMessages.inc({ direction: 'in' }),
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, eventStore: eventStore.kind, roles: config.roles }, 'listening');

  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    eventStore,
    redis,
    projections,
    scheduler: closing,
    gateway,
    openApi,
    httpApp: app,
    async stop() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Connections finish their current request and close; busy clients must not hold us open.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const cutOff = setTimeout(() => server.closeAllConnections(), SHUTDOWN_DRAIN_MS);
      server.closeIdleConnections();
      await gateway?.close();
      await closed;
      clearInterval(sweep);
      clearTimeout(cutOff);
      await commandHandler.idle();
      await closing?.close();
      await Promise.all(projections.map((p) => p.stop()));
      await closeQueue?.close();
      await eventStore.close();
      await changeFeed.close();
      redis.disconnect();
      await pool.end();
      await projectionKnex?.destroy();
      await knex.destroy();
    },
  };
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(78); // EX_CONFIG
  }
  const logger = createLogger(config.logLevel);
  if (config.jwtSecretIsDefault) {
    logger.warn('JWT_SECRET is not set: using the development secret. Never do this in production.');
  }
  const app = await startApp(config, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => process.exit(1), 10_000);
    deadline.unref();
    app.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
