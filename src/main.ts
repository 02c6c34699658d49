/**
 * Composition root: reads the configuration, builds every part and passes it in. Starts the
 * roles named in ROLES. `startApp` is also what the end-to-end tests start.
 */
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accountMigrations, accountsRoutes, getAccountsStore, getJwtAuth, getTokenIssuer } from './auth';
import { commandRoutes, getCommandHandler } from './commands';
import { EventStore, eventStoreMigrations, getEventStoreDbEventStore, getPostgresEventStore } from './events';
import {
  Config,
  Logger,
  createHttpApp,
  createKnex,
  createLogger,
  createPool,
  ensureDatabase,
  healthRoutes,
  loadConfig,
  runMigrations,
} from './platform';

export interface RunningApp {
  server: Server;
  url: string;
  port: number;
  eventStore: EventStore;
  stop(): Promise<void>;
}

export async function startApp(config: Config, logger: Logger): Promise<RunningApp> {
  await ensureDatabase(config.databaseUrl);
  const knex = createKnex(config.databaseUrl);
  const applied = await runMigrations(knex, [...eventStoreMigrations, ...accountMigrations]);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');

  const pool = createPool(config.databaseUrl, 20);
  const eventStore = config.eventStoreConnectionString
    ? getEventStoreDbEventStore({ connectionString: config.eventStoreConnectionString })
    : getPostgresEventStore({ pool, connectionString: config.databaseUrl });

  const tokens = getTokenIssuer(config.jwtSecret, config.jwtTtlSeconds);
  const { requireAuth } = getJwtAuth(tokens.key);
  const commandHandler = getCommandHandler({ eventStore });

  const app = createHttpApp({
    logger,
    routers: [
      accountsRoutes({ accounts: getAccountsStore(knex), tokens, requireAuth }),
      commandRoutes({ handler: commandHandler, requireAuth }),
      healthRoutes([
        { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
        {
          name: 'eventStore',
          check: async () => {
            await eventStore.ping();
            return { kind: eventStore.kind };
          },
        },
      ]),
    ],
  });

  const server = createServer(app);
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
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await commandHandler.idle();
      await closed;
      server.closeAllConnections();
      await eventStore.close();
      await pool.end();
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
