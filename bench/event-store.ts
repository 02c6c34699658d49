/**
 * Event store benchmark: single-event appends/s with 50 concurrent writers (over 1000 streams,
 * and all on one stream, with exact expected revisions and retry on conflict), and global-log
 * read speed. Runs against a throw-away database `auctions_bench_es`.
 *
 *   npm run bench:event-store            (DURATION=10 WRITERS=50 READ_EVENTS=200000 to tune)
 */
import os from 'node:os';
import { Client } from 'pg';
import {
  EventStore,
  eventStoreMigrations,
  getEventStoreDbEventStore,
  getPostgresEventStore,
  WrongExpectedRevisionError,
} from '../src/events';
import { createKnex, createPool, ensureDatabase, runMigrations } from '../src/platform';

const DURATION_S = Number(process.env.DURATION ?? 10);
const WRITERS = Number(process.env.WRITERS ?? 50);
const READ_EVENTS = Number(process.env.READ_EVENTS ?? 200_000);
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function freshDatabase(): Promise<string> {
  const url = new URL(BASE_URL);
  url.pathname = '/auctions_bench_es';
  const admin = new Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS auctions_bench_es WITH (FORCE)');
  await admin.end();
  await ensureDatabase(url.toString());
  const knex = createKnex(url.toString(), 2);
  await runMigrations(knex, eventStoreMigrations);
  await knex.destroy();
  return url.toString();
}

interface AppendStats {
  appends: number;
  conflicts: number;
  seconds: number;
  latencies: number[];
}

async function appendLoad(store: EventStore, streams: string[], mode: 'exact' | 'any'): Promise<AppendStats> {
  const revisions = new Map<string, bigint | 'no_stream'>();
  const latencies: number[] = [];
  let appends = 0;
  let conflicts = 0;
  const deadline = Date.now() + DURATION_S * 1000;
  const started = process.hrtime.bigint();
  const payload = { amount: 1250, bidderId: '0193b1f2-7c1e-7000-8000-000000000001', auto: false };
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (Date.now() < deadline) {
        const stream = streams[Math.floor(Math.random() * streams.length)]!;
        for (;;) {
          const expected = mode === 'any' ? 'any' : (revisions.get(stream) ?? 'no_stream');
          const t0 = process.hrtime.bigint();
          try {
            const r = await store.appendToStream(stream, [{ type: 'BidPlaced', data: payload }], {
              expectedRevision: expected,
            });
            latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            const known = revisions.get(stream);
            if (known === undefined || known === 'no_stream' || known < r.nextExpectedRevision) {
              revisions.set(stream, r.nextExpectedRevision);
            }
            appends++;
            break;
          } catch (error) {
            if (!(error instanceof WrongExpectedRevisionError)) throw error;
            conflicts++;
            revisions.set(stream, error.actual);
          }
        }
      }
    }),
  );
  return { appends, conflicts, seconds: Number(process.hrtime.bigint() - started) / 1e9, latencies };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

function report(name: string, s: AppendStats) {
  const row = {
    scenario: name,
    appendsPerSec: Math.round(s.appends / s.seconds),
    conflictsPerSec: Math.round(s.conflicts / s.seconds),
    p50ms: +percentile(s.latencies, 50).toFixed(1),
    p99ms: +percentile(s.latencies, 99).toFixed(1),
  };
  console.log(JSON.stringify(row));
  return row;
}

async function readSpeed(store: EventStore): Promise<{ events: number; eventsPerSec: number }> {
  // Seed in multi-event appends (fast), then time reading the whole log in pages.
  {
    const perAppend = 100;
    const payload = { amount: 1250, bidderId: '0193b1f2-7c1e-7000-8000-000000000001', auto: false };
    let seeded = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        while (seeded < READ_EVENTS) {
          seeded += perAppend;
          await store.appendToStream(
            `seed-${w}-${seeded}`,
            Array.from({ length: perAppend }, () => ({ type: 'BidPlaced', data: payload })),
            { expectedRevision: 'no_stream' },
          );
        }
      }),
    );
  }
  let after: string | undefined;
  let events = 0;
  const started = process.hrtime.bigint();
  for (;;) {
    const page = await store.readAll({ after, limit: 1000 });
    if (page.length === 0) break;
    events += page.length;
    after = page[page.length - 1]!.position;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const result = { events, eventsPerSec: Math.round(events / seconds) };
  console.log(JSON.stringify({ scenario: 'read global log', ...result }));
  return result;
}

async function main() {
  console.log(
    `# event store bench: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ` +
      `${WRITERS} writers, ${DURATION_S}s per scenario`,
  );
  let store: EventStore;
  let cleanup: () => Promise<void>;
  if (process.env.EVENTSTORE_CONNECTION_STRING) {
    store = getEventStoreDbEventStore({ connectionString: process.env.EVENTSTORE_CONNECTION_STRING });
    cleanup = () => store.close();
  } else {
    const url = await freshDatabase();
    const pool = createPool(url, WRITERS);
    store = getPostgresEventStore({ pool, connectionString: url });
    cleanup = async () => {
      await store.close();
      await pool.end();
    };
  }
  const run = Date.now().toString(36);
  const streams = Array.from({ length: 1000 }, (_, i) => `bench-${run}-${i}`);
  report(`${WRITERS} writers, 1000 streams, exact revision`, await appendLoad(store, streams, 'exact'));
  report(
    `${WRITERS} writers, 1 stream, exact revision`,
    await appendLoad(store, [`bench-${run}-hot`], 'exact'),
  );
  report(`${WRITERS} writers, 1 stream, any revision`, await appendLoad(store, [`bench-${run}-hot2`], 'any'));
  await readSpeed(store);
  await cleanup();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
