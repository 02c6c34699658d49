import { loadConfig } from '../../src/platform/config';

describe('loadConfig', () => {
  it('has defaults that serve a machine with local Postgres and Redis', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/auctions',
      redisUrl: 'redis://127.0.0.1:6379',
      eventStoreConnectionString: undefined,
      roles: ['api', 'projector', 'scheduler'],
      logLevel: 'info',
      jwtSecretIsDefault: true,
    });
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', ROLES: 'api,cook', REDIS_URL: 'http://x' })).toThrow(
      /PORT must be integer.*REDIS_URL must match.*ROLES must match|PORT.*ROLES.*REDIS_URL/,
    );
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT must be <= 65535/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(
      /JWT_SECRET must NOT have fewer than 32 characters/,
    );
    expect(() => loadConfig({ EVENTSTORE_CONNECTION_STRING: 'kurrentdb://x:2113' })).toThrow(
      /EVENTSTORE_CONNECTION_STRING/,
    );
  });

  it('requires JWT_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET is required/);
    const secret = 's'.repeat(32);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret })).toMatchObject({
      jwtSecret: secret,
      jwtSecretIsDefault: false,
    });
  });

  it('reads roles and EventStoreDB settings', () => {
    const config = loadConfig({
      ROLES: 'projector,api,api',
      EVENTSTORE_CONNECTION_STRING: 'esdb://h:2113?tls=false',
    });
    expect(config.roles).toEqual(['projector', 'api']);
    expect(config.eventStoreConnectionString).toBe('esdb://h:2113?tls=false');
  });
});
