/**
 * What-if speed: 10,000 closed auctions of about 100 events each (the 1,000,000-event seed, closed),
 * replayed under other rules. Seeds the log if needed, folds the analytics projection over it (its
 * rebuild time), then times, over HTTP against our server (ROLES=api: nothing else running), a
 * what-if of every closed auction in the range, and the same in-process split into reading the
 * streams and deciding again. Medians of RUNS (3).   npm run bench:what-if
 */
import { getAnalyticsQueries, runWhatIf } from '../src/read-api';
import os from 'node:os';
import { Client } from 'pg';
import jwt from 'jsonwebtoken';
import { v7 as uuidv7 } from 'uuid';
import { replayUnderRules, type WhatIfRules } from '../src/analytics';
import { MIGRATIONS } from '../src/app';
import { auctionStreamId } from '../src/auction';
import { getPostgresEventStore } from '../src/events';
import { createKnex, createPool, runMigrations } from '../src/platform';
import { refoldInPlace, analyticsStore } from '../src/projections';
import { seedLog } from './seed-log';
import { OURS, SECRET, median, runBench, startOursOn } from './servers';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/auctions_bench_whatif';
const AUCTIONS = Number(process.env.AUCTIONS ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 3);
// 60 bids from three bidders (every fifth with a ceiling, so proxies answer): about 100 events an auction.
const BIDS = Number(process.env.BIDS ?? 60);
const RULES: WhatIfRules = { proxyBidding: false, softClose: null, minIncrement: 'ladder' };

async function closedAuctions(): Promise<number> {
  const client = new Client({ connectionString: DATABASE_URL });
  try {
    await client.connect();
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM events WHERE type = 'AuctionClosed'`);
    return rows[0].n as number;
  } catch {
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main() {
  console.log(
    `# what-if bench: ${os.cpus().length} cores, node ${process.version}, ${AUCTIONS} closed auctions`,
  );
  if ((await closedAuctions()) < AUCTIONS) {
    const started = Date.now();
    const events = await seedLog(DATABASE_URL, AUCTIONS, BIDS, true);
    console.log(`seeded ${events} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const knex = createKnex(DATABASE_URL, 4);
  const pool = createPool(DATABASE_URL, 4);
  const eventStore = getPostgresEventStore({ pool, connectionString: DATABASE_URL });
  await runMigrations(knex, MIGRATIONS);
  const fold = await refoldInPlace(knex, eventStore, analyticsStore(knex), ['analytics_auctions'], 5000);
  console.log(
    `analytics projection rebuilt from ${fold.events} events in ${fold.seconds.toFixed(1)} s (${Math.round(fold.events / fold.seconds)} events/s)`,
  );

  // In-process: read the streams, then decide again.
  const ids = await getAnalyticsQueries(knex).closedAuctionIds(
    { from: new Date(0), to: new Date() },
    AUCTIONS,
  );
  const reads: number[] = [];
  const replays: number[] = [];
  let events = 0;
  for (let run = 0; run < RUNS; run++) {
    let t = performance.now();
    const streams = await eventStore.readStreams(ids.map(auctionStreamId));
    reads.push(performance.now() - t);
    events = [...streams.values()].reduce((n, s) => n + s.length, 0);
    t = performance.now();
    let changed = 0;
    for (const stream of streams.values()) if (replayUnderRules(stream, RULES)?.changed) changed++;
    replays.push(performance.now() - t);
    if (run === 0)
      console.log(
        `${ids.length} auctions, ${events} events; ${changed} changed under ${JSON.stringify(RULES)}`,
      );
  }
  const totals: number[] = [];
  const queries = getAnalyticsQueries(knex);
  for (let run = 0; run < RUNS; run++) {
    const t = performance.now();
    await runWhatIf({ queries, eventStore }, { range: { from: new Date(0), to: new Date() }, rules: RULES });
    totals.push(performance.now() - t);
  }
  console.log(
    JSON.stringify({
      inProcess: true,
      runWhatIfMs: Math.round(median(totals)),
      readStreamsMs: Math.round(median(reads)),
      replayMs: Math.round(median(replays)),
      replayEventsPerSec: Math.round(events / (median(replays) / 1000)),
    }),
  );
  await eventStore.close();
  await pool.end();
  await knex.destroy();

  // Over HTTP, as an analyst asks.
  await startOursOn(DATABASE_URL, { ROLES: 'api' });
  const token = jwt.sign({ sub: uuidv7(), roles: ['analyst'] }, SECRET, {
    algorithm: 'HS256',
    expiresIn: 3600,
  });
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t = performance.now();
    const res = await fetch(`${OURS}/analytics/what-if`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ from: '2000-01-01T00:00:00Z', rules: RULES }),
    });
    const body = (await res.json()) as { summary?: { auctions: number; changed: number } };
    times.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`what-if answered ${res.status}: ${JSON.stringify(body)}`);
    if (run === 0) console.log(`HTTP: ${JSON.stringify(body.summary)}`);
  }
  console.log(
    JSON.stringify({
      http: true,
      auctions: ids.length,
      medianMs: Math.round(median(times)),
      runsMs: times.map(Math.round),
    }),
  );
}

runBench(main);
