/**
 * The process entry point of `npm start`: reads the configuration, makes sure PostgreSQL and
 * Redis answer, starts the roles (src/app) and stops them gracefully on SIGTERM or SIGINT.
 */
import { MissingServicesError, ServiceRefusedError, ensureLocalServices, startApp } from './app';
import { createLogger, loadConfig, type Config } from './platform';

export { startApp, type RunningApp, type StartOptions } from './app';

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
  const services = await ensureLocalServices(config, logger);
  const app = await startApp(services.config, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => process.exit(1), 10_000);
    deadline.unref();
    app
      .stop()
      .then(() => services.stop())
      .then(
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
    if (error instanceof MissingServicesError || error instanceof ServiceRefusedError) {
      console.error(error.message);
      process.exit(error.exitCode);
    }
    console.error(error);
    process.exit(1);
  });
}
