import type { Server } from 'node:http';
import type { Worker } from 'node:worker_threads';
import type Redis from 'ioredis';
import type { Express } from 'express';
import { getCommandHandler, getCommandObserver } from '../commands';
import type { EventStore } from '../events';
import { type Config, type HealthCheck, type Logger, type OpenApiDocument } from '../platform';
import type { ProjectionRunner } from '../projections';
import type { RealtimeGateway } from '../realtime';
import { apiRoutes, startLiveUpdates } from './apiRole';
import { getClosers, type Closers } from './closers';
import { createHttpServer } from './httpServer';
import { startBackgroundRoles } from './backgroundRoles';
import { openInfrastructure, type Infrastructure } from './infrastructure';
import { startProjectorThread } from './projectorThread';
import type { StartOptions } from './startOptions';

export interface RunningApp {
  server: Server;
  url: string;
  port: number;
  eventStore: EventStore;
  redis: Redis;
  projections: ProjectionRunner[];
  scheduler: { sweep(): Promise<void> } | undefined;
  /** The projector thread's handle when the background roles run on one (PROJECTOR_THREAD=worker). */
  projectorThread: { thread(): Worker | undefined } | undefined;
  gateway: RealtimeGateway | undefined;
  openApi: OpenApiDocument;
  /** The express app behind the server (the hot route answers in front of it). */
  httpApp: Express;
  stop(): Promise<void>;
}

const infrastructureChecks = (infra: Infrastructure): HealthCheck[] => [
  { name: 'postgres', check: async () => void (await infra.pool.query('SELECT 1')) },
  { name: 'redis', check: async () => void (await infra.redis.ping()) },
  {
    name: 'eventStore',
    check: async () => (await infra.eventStore.ping(), { kind: infra.eventStore.kind }),
  },
];

/** The projector and scheduler roles on a thread of their own, when configured so. */
async function startBackgroundThread(
  config: Config,
  options: StartOptions,
  infra: Infrastructure,
  closers: Closers,
) {
  const roles = new Set(config.roles);
  const background = (['projector', 'scheduler'] as const).filter((role) => roles.has(role));
  if (config.projectorThread !== 'worker' || background.length === 0) return undefined;
  const { leaseTtlSeconds, heartbeatMs, projectionRetryDelaysMs } = options;
  return startProjectorThread(
    { config, roles: background, options: { leaseTtlSeconds, heartbeatMs, projectionRetryDelaysMs } },
    { logger: infra.logger, metrics: infra.metrics, closers },
  );
}

/**
 * Starts the roles named in ROLES on shared infrastructure. Each part registers its closer as
 * it starts; `stop()` closes them in reverse: HTTP and WebSockets first, the stores last.
 */
export async function startApp(
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningApp> {
  const closers = getClosers(logger);
  const roles = new Set(config.roles);
  try {
    const infra = await openInfrastructure(config, logger, closers);
    const checks = infrastructureChecks(infra);
    const handler = getCommandHandler({
      eventStore: infra.eventStore,
      onHandled: getCommandObserver(infra.metrics),
    });
    closers.add('command handler', () => handler.idle());
    const thread = await startBackgroundThread(config, options, infra, closers);
    const {
      runners,
      scheduler,
      checks: backgroundChecks,
    } = thread ?? startBackgroundRoles(infra, roles, handler, options, closers);
    checks.push(...backgroundChecks);
    const api = roles.has('api') ? apiRoutes(infra, handler, closers) : undefined;
    const http = createHttpServer(
      infra,
      { routers: api?.routers ?? [], checks, fastLanes: api?.fastLanes },
      closers,
    );
    const gateway = api && (await startLiveUpdates(infra, http.server, api, options, closers));
    const port = await http.listen();
    logger.info({ port, eventStore: infra.eventStore.kind, roles: config.roles }, 'listening');
    return {
      server: http.server,
      port,
      url: `http://127.0.0.1:${port}`,
      eventStore: infra.eventStore,
      redis: infra.redis,
      projections: runners,
      scheduler,
      projectorThread: thread && { thread: thread.thread },
      gateway,
      openApi: http.openApi,
      httpApp: http.app,
      stop: () => closers.closeAll(),
    };
  } catch (error) {
    await closers.closeAll().catch(() => undefined);
    throw error;
  }
}
