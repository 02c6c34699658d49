/**
 * The chaos run: two server processes under a steady bid load over many auctions, some ending
 * during the run, while one instance is killed with SIGKILL and restarted, then the other, Redis
 * forgets everything and PostgreSQL restarts. Then it checks what the product promises.
 * `npm run chaos` runs it for real (FLUSHALL, a real PostgreSQL restart); the test suite runs a
 * short version whose faults stay inside its own database and key prefix.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { isDeepStrictEqual, promisify } from 'node:util';
import Redis from 'ioredis';
import { Pool } from 'pg';
import WebSocket from 'ws';
import { decide, foldAuction, foldStep, isPrivateEvent, type AuctionState } from '../../src/auction';
import { getPostgresEventStore, type EventStore, type RecordedEvent } from '../../src/events';
import { createKnex } from '../../src/platform';
import {
  buildPostgresReadModel,
  currentGeneration,
  postgresReadModel,
  redisReadModel,
  NOTIFICATIONS_PROJECTION,
} from '../../src/projections';
import { notificationIdOf, type NotificationKind } from '../../src/notifications';
import { snapshotPostgres, snapshotRedisStates, waitUntil } from '../support/readModelSnapshot';
import { freePort, serverEnv, startServerProcess, type ServerProcess } from '../support/serverProcess';
import { createTestDatabase } from '../support/testDatabase';
import { createAuction, deleteKeys, registerUser } from '../support/testApp';
import { brokenSalePromises, checkSale, createChaosSale, type SaleReport } from './chaosSale';
import { getTokenIssuer } from '../../src/auth';
import { cancelWhileRunning, checkWhoMayBid, suspend, type WhoMayBidReport } from './chaosWhoMayBid';
import {
  AFTER_HAMMER_ENV,
  checkAfterHammerSettled,
  secondChancesWhileRunning,
  type AfterHammerReport,
} from './chaosAfterHammer';

const HOSTILE_TITLES = [
  'Vase 🏺 𝄞',
  '\u202e\u200b reversed \u2066',
  'e\u0301\u0301 combining',
  "'; DROP TABLE events; --",
  '<script>alert(1)</script>',
  '\\ud800 \\u0000 escaped, not real',
  '\uFFFD\uFEFF marks',
];
const UNSTORABLE_TITLES = ['bad \ud800 x', 'nul \u0000 y', '\udfff\ud800'];

export interface ChaosOptions {
  seconds: number;
  auctions: number;
  bidders: number;
  loops: number;
  watchers: number;
  /** true: FLUSHALL and a real PostgreSQL restart. false: the same faults, kept to this run's database and keys. */
  realFaults: boolean;
  log?: (line: string) => void;
}

export interface ChaosReport {
  seconds: number;
  load: {
    attempts: number;
    acknowledged: number;
    byStatus: Record<string, number>;
    connectionErrors: number;
  };
  faults: string[];
  lost: string[];
  duplicated: string[];
  appliedTwice: string[];
  readModelsEqualRebuild: { postgres: boolean; redis: boolean };
  /** The first few rows that differ, when a read model differs from the rebuild. */
  differences: string[];
  auctionsEnded: number;
  closes: { missing: string[]; extra: string[]; wrongOutcome: string[] };
  serverErrors: { status500: number; unavailableWithoutRetryAfter: number; unavailable: number };
  websocket: { watchers: number; resumes: number; gaps: string[]; behind: string[]; events: number };
  /** Outbid, won and lost causes in the log without their one notification, and notifications without a cause. */
  notifications: { expected: number; missing: string[]; extra: string[] };
  /** The sale whose lots end during the faults. */
  sale?: SaleReport;
  /** The seller's cancellations and an admin's suspension during the faults. */
  whoMayBid: WhoMayBidReport;
  /** Invoices, deadlines, strikes and second chances during the faults. */
  afterHammer: AfterHammerReport;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The price past which the loops stop bidding on the sale's lots. */
const LOT_PRICE_CAP = 4000;
/** How long before its end a lot is bid on. */
const LOT_BIDDING_MS = 4000;
const run = promisify(execFile);

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const database = await createTestDatabase('chaos');
  const prefix = `chaos-${process.pid}-${Date.now()}:`;
  const env = serverEnv(database.url, prefix, {
    SCHEDULER_SWEEP_SECONDS: '1',
    LOG_LEVEL: 'warn',
    ...AFTER_HAMMER_ENV,
  });
  const ports = [await freePort(), await freePort()];
  const servers: Array<ServerProcess | undefined> = await Promise.all(
    ports.map((p) => startServerProcess(env, p)),
  );
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const up = () => urls.filter((_, i) => servers[i] !== undefined);
  const anyUp = () => up()[Math.floor(Math.random() * up().length)] ?? urls[0]!;
  const pool = new Pool({ connectionString: database.url, max: 4 });
  pool.on('error', () => undefined); // a restart kills idle clients; the pool makes new ones
  const report: ChaosReport = {
    seconds: options.seconds,
    load: { attempts: 0, acknowledged: 0, byStatus: {}, connectionErrors: 0 },
    faults: [],
    lost: [],
    duplicated: [],
    appliedTwice: [],
    readModelsEqualRebuild: { postgres: false, redis: false },
    differences: [],
    auctionsEnded: 0,
    closes: { missing: [], extra: [], wrongOutcome: [] },
    serverErrors: { status500: 0, unavailableWithoutRetryAfter: 0, unavailable: 0 },
    websocket: { watchers: options.watchers, resumes: 0, gaps: [], behind: [], events: 0 },
    notifications: { expected: 0, missing: [], extra: [] },
    whoMayBid: { cancellations: 0, byStatus: {}, broken: [] },
    afterHammer: { invoices: 0, overdue: 0, secondChances: 0, offersAccepted: 0, broken: [] },
  };
  const started = Date.now();
  try {
    // The market: sellers' auctions, a share of them ending during the run.
    const seller = await registerUser(urls[0]!, 'seller');
    const bidders = await Promise.all(
      Array.from({ length: options.bidders }, () => registerUser(urls[1]!, 'bidder')),
    );
    const auctions: string[] = [];
    for (let i = 0; i < options.auctions; i++) {
      const endsInSeconds = i % 3 === 0 ? options.seconds * (0.3 + (0.6 * i) / options.auctions) : 3600;
      auctions.push(
        await createAuction(urls[i % 2]!, seller.token, {
          // Hostile but storable text: every read model and the rebuild must carry it as sent.
          title: HOSTILE_TITLES[i % HOSTILE_TITLES.length]!,
          description: HOSTILE_TITLES[(i + 3) % HOSTILE_TITLES.length]!,
          startingPrice: 100,
          minIncrement: 10,
          ...(i % 6 === 0 ? { reservePrice: 1_000_000 } : {}),
          endsAt: new Date(Date.now() + endsInSeconds * 1000).toISOString(),
        }),
      );
    }
    // A sale whose lots end one after another during the faults, bid on like the auctions in their
    // last seconds until their price reaches LOT_PRICE_CAP: extended, then quiet, they close while
    // instances die.
    const sale = await createChaosSale(urls[1]!, seller.token, {
      lots: 5,
      firstEnd: Math.max(started + 0.35 * options.seconds * 1000, Date.now() + 4000),
      gapSeconds: Math.max(1, Math.round(options.seconds * 0.08)),
      titles: HOSTILE_TITLES,
    });
    auctions.push(...sale.lots);
    const capped = new Set(sale.lots);
    // Bid on a lot in its last seconds only, as at a sale, so that late bids extend it.
    const lotOpenToBids = (id: string) =>
      (price.get(id) ?? 0) < LOT_PRICE_CAP && sale.endsAt.get(id)! - Date.now() < LOT_BIDDING_MS;
    // What the log must never take is refused on both instances, whatever else happens.
    for (const [i, title] of UNSTORABLE_TITLES.entries()) {
      const res = await fetch(`${urls[i % 2]}/auctions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${seller.token}` },
        body: JSON.stringify({
          title,
          currency: 'EUR',
          startingPrice: 1,
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      });
      if (res.status !== 400) throw new Error(`an unstorable title was answered ${res.status}, not 400`);
    }
    log(
      `${auctions.length} auctions, ${bidders.length} bidders, ${options.loops} bid loops, ${options.watchers} watchers`,
    );

    // Watchers: subscribe to every auction; after a drop, resume from the last revision seen.
    const watchers = Array.from({ length: options.watchers }, () => watch());
    function watch() {
      const last = new Map<string, number>();
      /** Per auction: the revision first subscribed at, and every event revision received after it. */
      const from = new Map<string, number>();
      const received = new Map<string, number[]>();
      const state = { ws: undefined as WebSocket | undefined, stopped: false };
      const connect = () => {
        if (state.stopped) return;
        const ws = new WebSocket(`${anyUp().replace('http', 'ws')}/ws`);
        state.ws = ws;
        ws.on('open', () => {
          for (const id of auctions) {
            const after = last.get(id);
            ws.send(
              JSON.stringify({
                type: 'subscribe',
                auctionId: id,
                ...(after !== undefined ? { afterRevision: after } : {}),
              }),
            );
          }
        });
        ws.on('message', (data) => {
          const m = JSON.parse(data.toString()) as {
            type: string;
            auctionId: string;
            auction?: { revision: number };
            event?: { revision: number };
          };
          if (m.type === 'subscribed' && !last.has(m.auctionId)) {
            last.set(m.auctionId, m.auction!.revision);
            from.set(m.auctionId, m.auction!.revision);
          }
          if (m.type === 'auction.event') {
            report.websocket.events++;
            // Private events (a leader's ceiling raise) are never sent, so revisions may skip:
            // gaps are judged at the end against the log's public events.
            received.set(m.auctionId, [...(received.get(m.auctionId) ?? []), m.event!.revision]);
            last.set(m.auctionId, Math.max(m.event!.revision, last.get(m.auctionId)!));
          }
        });
        ws.on('error', () => undefined);
        ws.on('close', () => {
          if (state.stopped) return;
          report.websocket.resumes++;
          setTimeout(connect, 200);
        });
      };
      connect();
      return { last, from, received, stop: () => ((state.stopped = true), state.ws?.terminate()) };
    }

    // The load: each loop bids a little over the last price it saw, retrying with the same
    // Idempotency-Key after a dropped connection or a 503, on whichever instance is up.
    const acknowledged = new Map<string, string>();
    const price = new Map<string, number>();
    let running = true;
    const record = (status: number) =>
      (report.load.byStatus[status] = (report.load.byStatus[status] ?? 0) + 1);
    const bidLoop = async (i: number) => {
      const bidder = bidders[i % bidders.length]!;
      while (running) {
        const auctionId = auctions[Math.floor(Math.random() * auctions.length)]!;
        if (capped.has(auctionId) && !lotOpenToBids(auctionId)) continue;
        const amount = (price.get(auctionId) ?? 100) + 10 + Math.floor(Math.random() * 200);
        const key = randomUUID();
        for (let attempt = 0; attempt < 8 && running; attempt++) {
          report.load.attempts++;
          try {
            const res = await fetch(`${anyUp()}/auctions/${auctionId}/bids`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                authorization: `Bearer ${bidder.token}`,
                'idempotency-key': key,
              },
              body: JSON.stringify({ amount }),
              signal: AbortSignal.timeout(10_000),
            });
            const body = (await res.json()) as {
              bidId?: string;
              currentPrice?: number;
              minimumBid?: number;
              endsAt?: string;
            };
            record(res.status);
            if (res.status === 500) report.serverErrors.status500++;
            if (res.status === 503) {
              report.serverErrors.unavailable++;
              const retryAfter = Number(res.headers.get('retry-after'));
              if (!(retryAfter >= 1)) report.serverErrors.unavailableWithoutRetryAfter++;
              await sleep(200);
              continue;
            }
            if (res.status === 201) acknowledged.set(body.bidId!, auctionId);
            if (res.status === 403) await sleep(200); // the suspended bidder
            if (res.status === 201 && body.endsAt && capped.has(auctionId))
              sale.endsAt.set(auctionId, Date.parse(body.endsAt));
            const seen = body.currentPrice ?? body.minimumBid;
            if (seen !== undefined) price.set(auctionId, Math.max(price.get(auctionId) ?? 0, seen));
            break;
          } catch {
            report.load.connectionErrors++;
            await sleep(100);
          }
        }
      }
    };
    const loops = Array.from({ length: options.loops }, (_, i) => bidLoop(i));
    // The seller cancels bids as they come in (not on the sale's lots: their ends are checked on
    // their own), and an admin suspends the first bidder at 40% of the run.
    const admin = getTokenIssuer(env.JWT_SECRET!, 3600).issue({ sub: seller.userId, roles: ['admin'] });
    const cancelling = cancelWhileRunning({
      anyUp,
      sellerToken: seller.token,
      candidates: () => [...acknowledged].filter(([, auctionId]) => !capped.has(auctionId)),
      running: () => running,
      everyMs: (options.seconds * 1000) / 30,
      report: report.whoMayBid,
    });
    const secondChances = secondChancesWhileRunning({
      anyUp,
      seller,
      bidders,
      running: () => running,
      everyMs: (options.seconds * 1000) / 20,
      report: report.afterHammer,
    });
    void sleep(0.4 * options.seconds * 1000).then(() =>
      suspend(anyUp, admin, bidders[0]!.userId, report.whoMayBid),
    );

    // The faults, spread over the run.
    const at = (share: number) => sleep(Math.max(0, started + share * options.seconds * 1000 - Date.now()));
    const fault = (what: string) => {
      report.faults.push(`${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
      log(`fault: ${what}`);
    };
    const kill = async (i: number) => {
      const server = servers[i]!;
      servers[i] = undefined;
      await server.kill('SIGKILL');
      fault(`kill -9 instance ${i + 1}`);
    };
    const restart = async (i: number) => {
      servers[i] = await startServerProcess(env, ports[i]!);
      fault(`instance ${i + 1} restarted`);
    };
    const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    await at(0.15);
    await kill(0);
    await at(0.25);
    await restart(0);
    await at(0.35);
    if (options.realFaults) await redis.flushall();
    else await deleteKeys(prefix);
    fault(options.realFaults ? 'Redis FLUSHALL' : "Redis forgets this run's keys");
    await at(0.45);
    await kill(1);
    await at(0.55);
    await restart(1);
    await at(0.65);
    await kill(0);
    await at(0.72);
    await restart(0);
    await at(0.8);
    await restartPostgres(options.realFaults, database.url);
    fault(
      options.realFaults
        ? 'PostgreSQL restarted'
        : "PostgreSQL dropped every connection to this run's database",
    );
    await at(1);
    running = false;
    await Promise.all([...loops, cancelling, secondChances]);
    report.load.acknowledged = acknowledged.size;
    log(`load done: ${acknowledged.size} bids acknowledged, ${JSON.stringify(report.load.byStatus)}`);

    // Let every ended auction close and the read models catch up, then check.
    const store = getPostgresEventStore({ pool, connectionString: database.url });
    const streams = async () => {
      const byAuction = new Map<string, RecordedEvent[]>();
      for (const id of auctions) byAuction.set(id, await store.readStream(`auction-${id}`));
      return byAuction;
    };
    const endOf = (events: RecordedEvent[]) => foldAuction(events).state!;
    // Every auction that ends in the run's time closes, the sale's lots too: their soft close and
    // the pushes of the lots after them can carry their ends a few seconds past the load, and a
    // close appended while the checks below run would make the log they read out of date.
    const endsLater = Date.now() + 10 * 60_000;
    await waitUntil(
      async () =>
        [...(await streams()).values()].every((events) => {
          const a = endOf(events);
          return a.endsAt > endsLater || a.status === 'closed';
        }),
      60_000,
      'every auction ending in the run to close',
    ).catch(() => undefined);
    // The load has stopped and the closes are in: the log is final, read once.
    const finalLog = await streams();
    checkLog(report, acknowledged, finalLog);
    checkCloses(report, finalLog);
    await checkReadModels(report, database.url, redis, prefix, store, auctions);
    await checkNotifications(report, database.url, store, finalLog);
    report.sale = await checkSale(sale, finalLog, store, database.url);
    const knex = createKnex(database.url, 2);
    try {
      await checkWhoMayBid(report.whoMayBid, finalLog, store, knex, bidders[0]!.userId);
      await checkAfterHammerSettled(report.afterHammer, finalLog, store, knex);
    } finally {
      await knex.destroy();
    }

    // Watchers: every public event up to each stream's end, once, in order, without a gap.
    const publicRevisions = new Map(
      [...finalLog].map(([id, events]) => [
        id,
        events.filter((e) => !isPrivateEvent(e.type)).map((e) => Number(e.revision)),
      ]),
    );
    const finalRevision = new Map([...publicRevisions].map(([id, revisions]) => [id, revisions.at(-1)]));
    await waitUntil(
      async () => watchers.every((w) => auctions.every((id) => w.last.get(id) === finalRevision.get(id))),
      15_000,
      'watchers',
    ).catch(() => undefined);
    watchers.forEach((w, i) =>
      auctions.forEach((id) => {
        const start = w.from.get(id) ?? -1;
        const want = publicRevisions.get(id)!.filter((r) => r > start);
        const got = w.received.get(id) ?? [];
        if (got.join() !== want.join())
          report.websocket.gaps.push(`watcher ${i} ${id}: got ${got.join(',')}; expected ${want.join(',')}`);
        if (w.last.get(id) !== finalRevision.get(id))
          report.websocket.behind.push(
            `watcher ${i} ${id}: at ${w.last.get(id)} of ${finalRevision.get(id)}`,
          );
      }),
    );
    watchers.forEach((w) => w.stop());
    redis.disconnect();
    await store.close();
    return report;
  } finally {
    await Promise.all(servers.map((s) => s?.kill('SIGTERM')));
    await pool.end().catch(() => undefined);
    await database.drop().catch(() => undefined);
    await deleteKeys(prefix).catch(() => undefined);
  }
}

async function restartPostgres(real: boolean, databaseUrl: string) {
  if (real) {
    const version = readdirSync('/etc/postgresql')[0]!;
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart']);
    return;
  }
  const admin = new Pool({ connectionString: databaseUrl, max: 1 });
  await admin.query(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  await admin.end();
}

/** Every acknowledged bid is in the log exactly once, and no command was applied twice. */
function checkLog(
  report: ChaosReport,
  acknowledged: Map<string, string>,
  streams: Map<string, RecordedEvent[]>,
) {
  const seen = new Map<string, number>();
  const byKey = new Map<string, number>();
  for (const events of streams.values()) {
    for (const e of events) {
      // A leader's own bid is recorded as their private MaxBidRaised, with its bidId.
      if (e.type !== 'BidPlaced' && e.type !== 'MaxBidRaised') continue;
      const data = e.data as { bidId: string; auto?: boolean };
      seen.set(data.bidId, (seen.get(data.bidId) ?? 0) + 1);
      const key = (e.metadata as { idempotencyKey?: string }).idempotencyKey;
      if (key && !data.auto) byKey.set(key, (byKey.get(key) ?? 0) + 1);
    }
  }
  for (const bidId of acknowledged.keys()) if (!seen.has(bidId)) report.lost.push(bidId);
  for (const [bidId, n] of seen) if (n > 1) report.duplicated.push(`${bidId} x${n}`);
  for (const [key, n] of byKey) if (n > 1) report.appliedTwice.push(`Idempotency-Key ${key} x${n}`);
}

/** Every ended auction closed once, with the outcome its bids and reserve call for. */
function checkCloses(report: ChaosReport, streams: Map<string, RecordedEvent[]>) {
  for (const [id, events] of streams) {
    let state: AuctionState = null;
    let closes = 0;
    for (const e of events) {
      if (e.type === 'AuctionClosed') {
        closes++;
        const closedAt = new Date((e.data as { closedAt: string }).closedAt);
        const expected = decide({ type: 'CloseAuction', now: closedAt }, state)[0]!.data;
        const { outcome, winnerId, finalPrice } = e.data as Record<string, unknown>;
        const want = expected as unknown as Record<string, unknown>;
        if (outcome !== want.outcome || winnerId !== want.winnerId || finalPrice !== want.finalPrice)
          report.closes.wrongOutcome.push(
            `${id}: ${JSON.stringify({ outcome, winnerId, finalPrice })} vs ${JSON.stringify(expected)}`,
          );
      }
      state = foldStep(state, e).state;
    }
    const ended = state!.endsAt <= Date.now();
    if (ended) report.auctionsEnded++;
    if (ended && closes === 0) report.closes.missing.push(id);
    if (closes > 1 || (!ended && closes > 0)) report.closes.extra.push(`${id} x${closes}`);
  }
}

/** Once caught up, both read models equal what a fresh rebuild from the log gives. */
async function checkReadModels(
  report: ChaosReport,
  databaseUrl: string,
  redis: Redis,
  prefix: string,
  store: EventStore,
  auctions: string[],
) {
  const knex = createKnex(databaseUrl, 2);
  try {
    const caughtUp = async () => {
      const head = await store.headPosition();
      const pg = await postgresReadModel(knex).readCheckpoint();
      const generation = await currentGeneration(redis, prefix);
      const inRedis = await redisReadModel(redis, { prefix, generation }).readCheckpoint();
      return pg === head && inRedis === head;
    };
    await waitUntil(caughtUp, 30_000, 'the read models to catch up').catch(() => undefined);
    await buildPostgresReadModel(knex, store, 'read_model_check');
    const live = await snapshotPostgres(knex, 'read_model');
    const rebuilt = await snapshotPostgres(knex, 'read_model_check');
    report.readModelsEqualRebuild.postgres = isDeepStrictEqual(live, rebuilt);
    if (!report.readModelsEqualRebuild.postgres) report.differences.push(...firstDifferences(live, rebuilt));
    const rows = await knex('read_model_check.auctions').select('auction_id', 'state', 'revision');
    const fromLog = Object.fromEntries(
      rows
        .sort((a, b) => (a.auction_id < b.auction_id ? -1 : 1))
        .map((r) => [r.auction_id, { state: r.state, revision: Number(r.revision) }]),
    );
    const inRedis = await snapshotRedisStates(redis, prefix, auctions);
    report.readModelsEqualRebuild.redis = isDeepStrictEqual(inRedis, fromLog); // jsonb reorders keys
    if (!report.readModelsEqualRebuild.redis) report.differences.push(...firstDifferences(inRedis, fromLog));
    await knex.raw('DROP SCHEMA read_model_check CASCADE');
  } finally {
    await knex.destroy();
  }
}

/**
 * Every outbid, won and lost cause in the log has exactly one notification, worked out here on
 * its own from the folded log (not with the projection's rules): a leader passed (the bid that
 * passed them is the cause), a bid answered at once by a proxy (the answer is the cause), and at
 * the close the winner and every other bidder.
 */
async function checkNotifications(
  report: ChaosReport,
  databaseUrl: string,
  store: EventStore,
  streams: Map<string, RecordedEvent[]>,
) {
  const knex = createKnex(databaseUrl, 2);
  try {
    const head = await store.headPosition();
    const position = async () =>
      (await knex('projection_checkpoints').where({ name: NOTIFICATIONS_PROJECTION }).first('position'))
        ?.position;
    await waitUntil(async () => (await position()) === head, 30_000, 'notifications to catch up').catch(
      () => undefined,
    );
    const expected = new Set<string>();
    const cause = (eventId: string, kind: NotificationKind, userId: string) =>
      expected.add(notificationIdOf(eventId, kind, userId));
    for (const events of streams.values()) {
      let state: AuctionState = null;
      const bidders = new Set<string>();
      let answered: string | undefined;
      for (const recorded of events) {
        const before = state;
        const step = foldStep(state, recorded);
        state = step.state;
        const leaderBefore = before?.leader?.bidderId;
        const leaderAfter = state?.leader?.bidderId;
        if (step.event.type === 'BidPlaced') {
          const bid = step.event.data as { bidderId: string; auto: boolean };
          if (leaderBefore && leaderAfter !== leaderBefore) cause(recorded.id, 'outbid', leaderBefore);
          if (answered && answered !== leaderAfter) cause(recorded.id, 'outbid', answered);
          answered = !bid.auto && leaderAfter !== bid.bidderId ? bid.bidderId : undefined;
          bidders.add(bid.bidderId);
        } else if (step.event.type === 'BidCancelled') {
          bidders.delete((step.event.data as { bidderId: string }).bidderId); // as if they never bid
        } else if (step.event.type === 'AuctionClosed') {
          const winnerId = (step.event.data as { winnerId: string | null }).winnerId;
          if (winnerId) cause(recorded.id, 'won', winnerId);
          for (const b of bidders) if (b !== winnerId) cause(recorded.id, 'lost', b);
        }
      }
    }
    const rows = await knex('notifications')
      .whereIn('kind', ['outbid', 'won', 'lost'])
      .select('notification_id', 'kind', 'user_id', 'auction_id');
    const stored = new Set(rows.map((r) => r.notification_id as string));
    report.notifications.expected = expected.size;
    for (const id of expected) if (!stored.has(id)) report.notifications.missing.push(id);
    for (const r of rows)
      if (!expected.has(r.notification_id as string))
        report.notifications.extra.push(`${r.kind} to ${r.user_id} on ${r.auction_id}`);
  } finally {
    await knex.destroy();
  }
}

/** The promises, as lines; empty when every one held. */
export function brokenPromises(report: ChaosReport): string[] {
  const broken: string[] = [];
  if (report.lost.length) broken.push(`acknowledged bids lost: ${report.lost.length}`);
  if (report.duplicated.length) broken.push(`bids in the log twice: ${report.duplicated.join(', ')}`);
  if (report.appliedTwice.length) broken.push(`commands applied twice: ${report.appliedTwice.join(', ')}`);
  if (!report.readModelsEqualRebuild.postgres) broken.push('PostgreSQL read model differs from a rebuild');
  if (!report.readModelsEqualRebuild.redis) broken.push('Redis read model differs from a rebuild');
  if (report.closes.missing.length)
    broken.push(`ended auctions not closed: ${report.closes.missing.join(', ')}`);
  if (report.closes.extra.length)
    broken.push(`closed more than once or early: ${report.closes.extra.join(', ')}`);
  if (report.closes.wrongOutcome.length)
    broken.push(`wrong outcomes: ${report.closes.wrongOutcome.join('; ')}`);
  if (report.serverErrors.status500) broken.push(`500 replies: ${report.serverErrors.status500}`);
  if (report.serverErrors.unavailableWithoutRetryAfter) broken.push('503 without Retry-After');
  if (report.websocket.gaps.length)
    broken.push(`WebSocket gaps: ${report.websocket.gaps.slice(0, 5).join('; ')}`);
  if (report.websocket.behind.length)
    broken.push(`WebSocket watchers behind: ${report.websocket.behind.slice(0, 5).join('; ')}`);
  if (report.notifications.missing.length)
    broken.push(`causes without their notification: ${report.notifications.missing.length}`);
  if (report.notifications.extra.length)
    broken.push(`notifications without a cause: ${report.notifications.extra.slice(0, 5).join('; ')}`);
  if (report.notifications.expected === 0)
    broken.push('no outbid, won or lost cause: the notification check proved nothing');
  if (report.load.acknowledged === 0) broken.push('no bid was acknowledged: the run proved nothing');
  broken.push(...report.whoMayBid.broken);
  broken.push(...report.afterHammer.broken);
  if (report.afterHammer.invoices === 0) broken.push('no auction was invoiced');
  if (report.afterHammer.overdue === 0) broken.push('no invoice went overdue');
  if (report.whoMayBid.cancellations === 0)
    broken.push('no bid was cancelled: the cancellation check proved nothing');
  if (!report.sale) broken.push('no sale was checked');
  else broken.push(...brokenSalePromises(report.sale));
  return broken;
}

function firstDifferences(live: object, rebuilt: object): string[] {
  // Compared as values (jsonb and Redis order an object's keys differently), shown with sorted keys.
  const flat = (value: object) =>
    new Map<string, unknown>(
      Object.entries(value).flatMap(([table, rows]) =>
        Array.isArray(rows)
          ? rows.map((row, i) => [`${table}[${i}]`, row] as const)
          : [[table, rows] as const],
      ),
    );
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : value && typeof value === 'object' && !(value instanceof Date)
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
          )
        : value;
  const show = (value: unknown) => JSON.stringify(sorted(value))?.slice(0, 600);
  const a = flat(live);
  const b = flat(rebuilt);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys
    .filter((k) => !isDeepStrictEqual(a.get(k), b.get(k)))
    .slice(0, 3)
    .map((k) => `${k}: live ${show(a.get(k))} / rebuilt ${show(b.get(k))}`);
}
