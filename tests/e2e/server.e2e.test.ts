import { Client } from 'pg';
import { dockerAvailable } from '../support/services';
import { freePort, runServerToExit, startServerProcess } from '../support/serverProcess';

describe('the server process', () => {
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const dbName = `test_e2e_server_${process.pid}`;
  const databaseUrl = (() => {
    const url = new URL(base);
    url.pathname = `/${dbName}`;
    return url.toString();
  })();

  afterAll(async () => {
    const admin = new Client({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  });

  it('two instances started at once on a missing database both come up, migrated once', async () => {
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      LOG_LEVEL: 'debug',
    };
    const [a, b] = await Promise.all([
      startServerProcess(env, await freePort()),
      startServerProcess(env, await freePort()),
    ]);
    try {
      for (const server of [a, b]) {
        const live = await fetch(`${server.url}/health/live`);
        expect(live.status).toBe(200);
        const ready = await fetch(`${server.url}/health/ready`);
        expect(ready.status).toBe(200);
        expect(await ready.json()).toMatchObject({
          status: 'ready',
          checks: { eventStore: { kind: 'postgres' } },
        });
      }
      const db = new Client({ connectionString: databaseUrl });
      await db.connect();
      const { rows } = await db.query('SELECT name FROM knex_migrations ORDER BY id');
      await db.end();
      const names = rows.map((r) => r.name as string);
      expect(names).toContain('0001_event_store');
      expect(new Set(names).size).toBe(names.length); // each applied once
      const notFound = await fetch(`${a.url}/no/such/route`);
      expect(notFound.status).toBe(404);
      expect(notFound.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(await notFound.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    } finally {
      // Both stop gracefully; a failure shows the process's own account of why.
      for (const server of [a, b]) {
        const code = await server.kill();
        expect(code === 0 ? 0 : server.output().split('\n').slice(-15).join('\n')).toBe(0);
      }
    }
  });

  it('refuses to start on bad configuration, naming the variable', async () => {
    const { code, output } = await runServerToExit({ PORT: 'abc', DATABASE_URL: databaseUrl });
    expect(code).toBe(78);
    expect(output).toMatch(/Invalid configuration: PORT must be integer/);
  });

  // With a Docker engine, `npm start` starts the missing services in containers instead (that
  // path pulls images and is left to a laptop); without one, it must say what to do.
  (dockerAvailable() ? it.skip : it)(
    'with PostgreSQL and Redis not answering and no Docker engine, names what is missing and how to get it',
    async () => {
      const closed = await freePort();
      const { code, output } = await runServerToExit({
        DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/auctions`,
        REDIS_URL: `redis://127.0.0.1:${closed}`,
      });
      expect(code).toBe(69);
      expect(output).toMatch(/PostgreSQL and Redis do not answer, and there is no Docker engine/);
      expect(output).toMatch(/apt-get install postgresql redis-server/);
      expect(output).toMatch(/docker compose up/);
      expect(output).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
    },
  );
});
