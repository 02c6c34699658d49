import {
  dockerAvailable,
  probePostgres,
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
  constructor(missing: string[], reasons: string[] = []) {
    super(
      [
        ...reasons,
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

/** A service answered but refused us (a wrong user or password, no such database): exit 78, as EX_CONFIG. */
export class ServiceRefusedError extends Error {
  readonly exitCode = 78;
  constructor(reason: string) {
    super(`${reason}\nCheck DATABASE_URL: its user, password and database.`);
    this.name = 'ServiceRefusedError';
  }
}

/** A URL without its password, for messages. */
const redactedUrl = (text: string) => {
  const url = new URL(text);
  if (url.password) url.password = '***';
  return url.toString();
};

/**
 * The newcomer's first minute: where PostgreSQL or Redis does not answer but a Docker engine
 * exists, start the missing ones in containers (testcontainers) and say so. Where they answer,
 * nothing changes. The containers go when the process stops.
 */
export async function ensureLocalServices(config: Config, logger: Logger) {
  const [postgres, redisUp] = await Promise.all([
    probePostgres(config.databaseUrl),
    redisReachable(config.redisUrl),
  ]);
  // It answered and said no: a container would not help, the configuration must change.
  if (postgres.state === 'refused') throw new ServiceRefusedError(postgres.reason);
  const postgresUp = postgres.state === 'ok';
  const reasons = [
    ...(postgres.state === 'silent' ? [postgres.reason] : []),
    ...(redisUp ? [] : [`Redis at ${redactedUrl(config.redisUrl)}: no answer`]),
  ];
  const missing = [...(postgresUp ? [] : ['PostgreSQL']), ...(redisUp ? [] : ['Redis'])];
  if (missing.length === 0) return { config, stop: async () => undefined };
  if (!dockerAvailable()) throw new MissingServicesError(missing, reasons);

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
      throw new MissingServicesError(missing, reasons);
    throw error;
  }
  return {
    config: { ...config, databaseUrl, redisUrl },
    stop: async () => void (await Promise.all(started.map((c) => c.stop()))),
  };
}
