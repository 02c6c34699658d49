import { existsSync } from 'node:fs';
import Redis from 'ioredis';
import { Client } from 'pg';

/** Whether a Docker engine is there to start containers on (testcontainers finds it the same way). */
export function dockerAvailable(): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

/** What a probe of PostgreSQL found: it serves us, it answered but refused us, or nothing answered. */
export type PostgresProbe = { state: 'ok' } | { state: 'refused' | 'silent'; reason: string };

// PostgreSQL's own codes for "we talked, and it said no": authentication, role, database.
const REFUSALS: Record<string, string> = {
  '28P01': 'password authentication failed',
  '28000': 'the server does not let this user in',
  '3D000': 'the database does not exist',
  '42501': 'the user may not connect',
  '53300': 'too many connections',
};

/**
 * Probes the PostgreSQL server of a URL (its `postgres` database: the one named may not exist
 * yet). The reason names the host, port, database and user it tried, never the password.
 */
export async function probePostgres(databaseUrl: string): Promise<PostgresProbe> {
  const url = new URL(databaseUrl);
  const where = `PostgreSQL at ${url.hostname || 'localhost'}:${url.port || 5432} (database ${decodeURIComponent(url.pathname.slice(1)) || 'postgres'}, user ${decodeURIComponent(url.username) || 'the OS user'})`;
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { state: 'ok' };
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    const refusal = code ? REFUSALS[code] : undefined;
    if (refusal) return { state: 'refused', reason: `${where}: ${refusal} (${code}: ${message})` };
    const silent =
      code === 'ECONNREFUSED'
        ? 'connection refused'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'host not found'
          : /timeout/i.test(message ?? '')
            ? 'no answer within 2 s'
            : (message ?? 'no answer');
    return { state: 'silent', reason: `${where}: ${silent}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The PostgreSQL server of a URL answers and lets us in. */
export async function postgresReachable(databaseUrl: string): Promise<boolean> {
  return (await probePostgres(databaseUrl)).state === 'ok';
}

export async function redisReachable(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}
