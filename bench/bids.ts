/**
 * Bid benchmark, one command: `npm run bench:bids`. In one run, against the same load:
 *   - our server (src/main.ts, PostgreSQL event store),
 *   - the lock-per-bid baseline of ../shared/peers/lock-baseline,
 *   - a bare express handler with the same JWT check (the ceiling of the stack),
 * for one hot auction and for 1000 auctions, 50 connections. Prints medians of RUNS runs.
 * Env: DUR (s, default 10), CONN (50), RUNS (3).
 */
import os from 'node:os';
import { bidLoad, type LoadResult } from './bidLoad';
import { lagProbe } from './lagProbe';
import {
  BARE,
  BASELINE,
  BASELINE_SECRET,
  OURS,
  cpuMeter,
  SECRET,
  median,
  metricQuantile,
  startBare,
  startBaseline,
  startOurs,
  runBench,
} from './servers';

const DUR = Number(process.env.DUR ?? 10);
const CONN = Number(process.env.CONN ?? 50);
const RUNS = Number(process.env.RUNS ?? 3);

type Measured = LoadResult & {
  nodeMsPerBid: number;
  nodeMainMsPerBid: number;
  postgresMsPerBid: number;
  redisMsPerBid: number;
};

const SERVER_OF: Record<string, string> = { ours: 'server', 'lock-baseline': 'lock-baseline', bare: 'bare' };

/** One load run, with the CPU the server process and PostgreSQL spent per accepted bid (from /proc). */
async function measured(options: Parameters<typeof bidLoad>[0]): Promise<Measured> {
  const stop = cpuMeter(SERVER_OF[options.target]!);
  const result = await bidLoad(options);
  const cpu = stop();
  const accepted = Math.max(1, result.codes[201] ?? 0);
  const ms = (seconds: number) => Math.round((seconds * 1000 * 1000) / accepted) / 1000;
  return {
    ...result,
    nodeMsPerBid: ms(cpu.node),
    nodeMainMsPerBid: ms(cpu.nodeMain),
    postgresMsPerBid: ms(cpu.postgres),
    redisMsPerBid: ms(cpu.redis),
  };
}

function summarise(results: Measured[]) {
  return {
    target: results[0]!.target,
    auctions: results[0]!.auctions,
    decidedPerSec: median(results.map((r) => r.decidedPerSec)),
    acceptedPerSec: median(results.map((r) => r.acceptedPerSec)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    nodeMsPerBid: median(results.map((r) => r.nodeMsPerBid)),
    nodeMainMsPerBid: median(results.map((r) => r.nodeMainMsPerBid)),
    postgresMsPerBid: median(results.map((r) => r.postgresMsPerBid)),
    redisMsPerBid: median(results.map((r) => r.redisMsPerBid)),
    codes: results.map((r) => r.codes),
  };
}

/** Projection lag quantiles (ms) over the last minute: this scenario's last runs. */
async function projectionLag() {
  const lag: Record<string, number | undefined> = {};
  for (const projection of ['postgres-read-model', 'redis-read-model']) {
    for (const q of ['0.5', '0.99']) {
      const seconds = await metricQuantile(
        'projection_lag_quantiles_seconds',
        `projection="${projection}"`,
        q,
      );
      lag[`${projection} p${Number(q) * 100}`] =
        seconds === undefined ? undefined : Math.round(seconds * 1000);
    }
  }
  return lag;
}

async function main() {
  console.log(
    `# bids bench: ${os.cpus().length} cores, node ${process.version}, ${CONN} connections, ${DUR}s x ${RUNS} runs`,
  );
  await startBaseline();
  const [probeAuction, hot, ...spread] = await startOurs(1002);
  const ours = { hot: hot!, spread };
  await startBare();

  const lockSpread = Array.from({ length: 1000 }, (_, i) => String(i + 1));
  const scenarios = [
    { name: 'hot', lock: ['1'], ours: [ours.hot] },
    { name: '1000', lock: lockSpread, ours: ours.spread },
  ];
  const rows: Array<ReturnType<typeof summarise>> = [];
  const lags: Record<string, Record<string, number | undefined>> = {};
  const probes: Record<string, Array<Awaited<ReturnType<typeof lagProbe>>>> = { hot: [], '1000': [] };
  for (const scenario of scenarios) {
    const lock: Measured[] = [];
    const mine: Measured[] = [];
    for (let run = 0; run < RUNS; run++) {
      const common = { secret: SECRET, connections: CONN, seconds: DUR };
      lock.push(
        await measured({
          ...common,
          secret: BASELINE_SECRET,
          target: 'lock-baseline',
          url: BASELINE,
          ids: scenario.lock,
        }),
      );
      mine.push(await measured({ ...common, target: 'ours', url: OURS, ids: scenario.ours }));
      console.log(JSON.stringify({ scenario: scenario.name, run, lock: lock.at(-1), ours: mine.at(-1) }));
    }
    rows.push(summarise(lock), summarise(mine));
    // One more run of the same load with the lag probe: the probe's reads stay out of the rates.
    const [, probe] = await Promise.all([
      bidLoad({
        secret: SECRET,
        connections: CONN,
        seconds: DUR,
        target: 'ours',
        url: OURS,
        ids: scenario.ours,
      }),
      lagProbe({ url: OURS, auctionId: probeAuction!, secret: SECRET, seconds: DUR - 1 }),
    ]);
    probes[scenario.name]!.push(probe);
    lags[scenario.name] = await projectionLag();
  }
  const bare: Measured[] = [];
  for (let run = 0; run < RUNS; run++) {
    bare.push(
      await measured({
        target: 'bare',
        url: BARE,
        ids: ['x'],
        secret: SECRET,
        connections: CONN,
        seconds: DUR,
      }),
    );
  }
  rows.push(summarise(bare));

  console.log(
    '\n| target | auctions | decided/s | accepted/s | p50 ms | p99 ms | Node CPU ms/bid | of it main thread | PostgreSQL CPU ms/bid | Redis CPU ms/bid |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.target} | ${r.auctions} | ${r.decidedPerSec} | ${r.acceptedPerSec} | ${r.p50} | ${r.p99} | ${r.nodeMsPerBid} | ${r.nodeMainMsPerBid} | ${r.postgresMsPerBid} | ${r.redisMsPerBid} |`,
    );
  }
  const get = (target: string, auctions: number) =>
    rows.find((r) => r.target === target && r.auctions === auctions)!;
  const bareRate = rows.at(-1)!.decidedPerSec;
  for (const n of [1, 1000]) {
    const o = get('ours', n);
    console.log(
      `auctions=${n}: ours/lock = ${(o.decidedPerSec / get('lock-baseline', n).decidedPerSec).toFixed(2)}x, ` +
        `ours/bare = ${(o.decidedPerSec / bareRate).toFixed(2)}, ours p99 = ${o.p99} ms`,
    );
  }
  for (const [scenario, lag] of Object.entries(lags)) {
    console.log(
      `projection lag, event recorded -> read model commit (ms), ${scenario}: ${JSON.stringify(lag)}`,
    );
    const runs = probes[scenario]!;
    const summary = {
      samples: runs.reduce((n, r) => n + r.samples, 0),
      redisP50: median(runs.map((r) => r.redis.p50)),
      redisP99: median(runs.map((r) => r.redis.p99)),
      postgresP50: median(runs.map((r) => r.postgres.p50)),
      postgresP99: median(runs.map((r) => r.postgres.p99)),
    };
    console.log(
      `projection lag, 201 reply -> visible to a client (ms), ${scenario}: ${JSON.stringify(summary)}`,
    );
  }
}

runBench(main);
