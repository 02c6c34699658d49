/**
 * Decides once per run where the tests find Postgres, Redis and EventStoreDB: the local services
 * when they answer, otherwise containers when a Docker engine exists. Workers inherit the env.
 */
import { startPostgresContainer, startRedisContainer } from '../../src/platform';
import { buildWeb } from '../../web/build';
import { LOCAL_POSTGRES, LOCAL_REDIS, dockerAvailable, postgresReachable, redisReachable } from './services';

declare global {
  var __testContainers: Array<{ stop(): Promise<unknown> }> | undefined;
}

export default async function globalSetup(): Promise<void> {
  // The page the browser tests open, built from web/ as `npm start` builds it.
  await buildWeb();
  const containers: Array<{ stop(): Promise<unknown> }> = [];
  globalThis.__testContainers = containers;
  const docker = dockerAvailable();

  const postgresUrl = process.env.TEST_DATABASE_URL ?? LOCAL_POSTGRES;
  if (!(await postgresReachable(postgresUrl))) {
    if (!docker) throw new Error(`Postgres is not reachable at ${postgresUrl} and there is no Docker engine`);
    const pg = await startPostgresContainer();
    containers.push(pg);
    process.env.TEST_DATABASE_URL = `postgres://postgres@${pg.host}:${pg.port}/postgres`;
  } else {
    process.env.TEST_DATABASE_URL = postgresUrl;
  }

  const redisUrl = process.env.TEST_REDIS_URL ?? LOCAL_REDIS;
  if (!(await redisReachable(redisUrl))) {
    if (!docker) throw new Error(`Redis is not reachable at ${redisUrl} and there is no Docker engine`);
    const redis = await startRedisContainer();
    containers.push(redis);
    process.env.TEST_REDIS_URL = `redis://${redis.host}:${redis.port}`;
  } else {
    process.env.TEST_REDIS_URL = redisUrl;
  }

  if (process.env.EVENTSTORE_CONNECTION_STRING) {
    process.env.TEST_EVENTSTORE_CONNECTION_STRING = process.env.EVENTSTORE_CONNECTION_STRING;
  } else if (docker) {
    // @testcontainers/kurrentdb hands out kurrentdb:// which @eventstore/db-client rejects.
    const { GenericContainer, Wait } = await import('testcontainers');
    const esdb = await new GenericContainer('eventstore/eventstore:24.10')
      .withEnvironment({
        EVENTSTORE_INSECURE: 'true',
        EVENTSTORE_MEM_DB: 'true',
        EVENTSTORE_RUN_PROJECTIONS: 'None',
        EVENTSTORE_CLUSTER_SIZE: '1',
      })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
      .start();
    containers.push(esdb);
    process.env.TEST_EVENTSTORE_CONNECTION_STRING = `esdb://${esdb.getHost()}:${esdb.getMappedPort(2113)}?tls=false`;
  } else {
    process.env.TEST_EVENTSTORE_SKIP_REASON =
      'EventStoreDB contract suite SKIPPED: EVENTSTORE_CONNECTION_STRING is not set and no Docker engine is available';
    process.stderr.write(`\n\x1b[33m!! ${process.env.TEST_EVENTSTORE_SKIP_REASON}\x1b[0m\n\n`);
  }
}
