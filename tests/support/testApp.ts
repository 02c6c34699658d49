import { startApp, type RunningApp } from '../../src/main';
import { createLogger, loadConfig } from '../../src/platform';
import { createTestDatabase } from './testDatabase';

export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef0123456789';

/** The whole server in-process on a random port, against a database of its own (or a shared one). */
export async function startTestApp(options: { label?: string; databaseUrl?: string } = {}) {
  const database = options.databaseUrl ? undefined : await createTestDatabase(options.label ?? 'app');
  const databaseUrl = options.databaseUrl ?? database!.url;
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.TEST_REDIS_URL,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
  const app: RunningApp = await startApp(config, createLogger(config.logLevel));
  return {
    app,
    url: app.url,
    databaseUrl,
    async stop() {
      await app.stop();
      await database?.drop();
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function call(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${url}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

let userSeq = 0;
export async function registerUser(url: string, label = 'user') {
  userSeq++;
  const email = `${label}-${process.pid}-${userSeq}-${Date.now()}@example.test`;
  const res = await call(url, 'POST', '/auth/register', {
    body: { email, password: 'correct horse battery', displayName: `${label} ${userSeq}` },
  });
  if (res.status !== 201) throw new Error(`register failed: ${JSON.stringify(res.body)}`);
  return { email, userId: res.body.userId as string, token: res.body.token as string };
}

export const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

export async function createAuction(url: string, token: string, overrides: Record<string, unknown> = {}) {
  const res = await call(url, 'POST', '/auctions', {
    token,
    body: {
      title: 'Brass lamp',
      currency: 'EUR',
      startingPrice: 1000,
      minIncrement: 100,
      endsAt: inSeconds(3600),
      ...overrides,
    },
  });
  if (res.status !== 201) throw new Error(`create failed: ${JSON.stringify(res.body)}`);
  return res.body.auctionId as string;
}
