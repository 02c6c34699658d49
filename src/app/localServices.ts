import {
  dockerAvailable,
  postgresReachable,
  redisReachable,
  startPostgresContainer,
  startRedisContainer,
  type Config,
  type Logger,
  type StartedService,
} from '../platform';

/** PostgreSQL or Redis does not answer, and nothing here can start them: the message says how to get them. */
export class MissingServicesError extends Error {
  readonly exitCode = 69; // EX_UNAVAILABLE
  constructor(missing: string[]) {
    super(
      [
        `${missing.join(' and ')} ${missing.length > 1 ? 'do' : 'does'} not answer, and there is no Docker engine to start ${missing.length > 1 ? 'them' : 'it'} in.`,
        'Either:',
        '  - run them on this machine (Debian: apt-get install postgresql redis-server; the defaults of',
        '    DATABASE_URL and REDIS_URL are postgres://postgres@127.0.0.1:5432/auctions and redis://127.0.0.1:6379),',
        '    or point DATABASE_URL and REDIS_URL at running ones;',
        '  - or install Docker: `npm start` then starts them in containers by itself, and',
        '    `docker compose up` runs the whole stack with EventStoreDB.',
      ].join('\n'),
    );
    this.name = 'MissingServicesError';
  }
}

/**
 * The newcomer's first minute: where PostgreSQL or Redis does not answer but a Docker engine
 * exists, start the missing ones in containers (testcontainers) and say so. Where they answer,
 * nothing changes. The containers go when the process stops.
 */
export async function ensureLocalServices(config: Config, logger: Logger) {
  const [postgresUp, redisUp] = await Promise.all([
    postgresReachable(config.databaseUrl),
    redisReachable(config.redisUrl),
  ]);
  const missing = [...(postgresUp ? [] : ['PostgreSQL']), ...(redisUp ? [] : ['Redis'])];
  if (missing.length === 0) return { config, stop: async () => undefined };
  if (!dockerAvailable()) throw new MissingServicesError(missing);

  const started: StartedService[] = [];
  let { databaseUrl, redisUrl } = config;
  try {
    if (!postgresUp) {
      const pg = await startPostgresContainer();
      started.push(pg);
      databaseUrl = `postgres://postgres@${pg.host}:${pg.port}/auctions`;
      logger.warn({ databaseUrl }, 'PostgreSQL did not answer: started one in a container (testcontainers)');
    }
    if (!redisUp) {
      const redis = await startRedisContainer();
      started.push(redis);
      redisUrl = `redis://${redis.host}:${redis.port}`;
      logger.warn({ redisUrl }, 'Redis did not answer: started one in a container (testcontainers)');
    }
  } catch (error) {
    await Promise.all(started.map((c) => c.stop()));
    // A production install has no testcontainers: then it is as if there were no Docker.
    const code = (error as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND')
      throw new MissingServicesError(missing);
    throw error;
  }
  return {
    config: { ...config, databaseUrl, redisUrl },
    stop: async () => void (await Promise.all(started.map((c) => c.stop()))),
  };
}
