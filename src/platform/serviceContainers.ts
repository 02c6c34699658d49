/**
 * PostgreSQL and Redis in containers (testcontainers, a development dependency loaded only when
 * asked for): what `npm start` and the tests use where a Docker engine exists but the services
 * do not answer.
 */
export interface StartedService {
  host: string;
  port: number;
  stop(): Promise<unknown>;
}

export async function startPostgresContainer(): Promise<StartedService> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer('postgres:15')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  return { host: container.getHost(), port: container.getMappedPort(5432), stop: () => container.stop() };
}

export async function startRedisContainer(): Promise<StartedService> {
  const { GenericContainer } = await import('testcontainers');
  const container = await new GenericContainer('redis:7').withExposedPorts(6379).start();
  return { host: container.getHost(), port: container.getMappedPort(6379), stop: () => container.stop() };
}
