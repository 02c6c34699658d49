/**
 * Bid benchmark, one command: `npm run bench:bids`. In one run, against the same load:
 *   - our server (src/main.ts, PostgreSQL event store),
 *   - the lock-per-bid baseline of ../shared/peers/lock-baseline,
 *   - a bare express handler with the same JWT check (the ceiling of the stack),
 * for one hot auction and for 1000 auctions, 50 connections. Prints medians of RUNS runs.
 * Env: DUR (s, default 10), CONN (50), RUNS (3).
 */
import { ChildProcess, execSync, spawn } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bidLoad, type LoadResult } from './bidLoad';

const DUR = Number(process.env.DUR ?? 10);
const CONN = Number(process.env.CONN ?? 50);
const RUNS = Number(process.env.RUNS ?? 3);
const SECRET = 'bench-secret-bench-secret-bench-secret';
// server.js hard-codes its secret.
const BASELINE_SECRET = 'bench-secret';
const PG = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = path.resolve(__dirname, '..');
const BASELINE_SRC = path.resolve(ROOT, '../shared/peers/lock-baseline');
const BASELINE_DIR = path.join(os.tmpdir(), 'lock-baseline-bench');
const children: ChildProcess[] = [];

const psql = (sql: string, db = 'postgres') =>
  execSync(`psql -q -h 127.0.0.1 -U postgres -d ${db} -v ON_ERROR_STOP=1`, {
    input: sql,
    stdio: ['pipe', 'ignore', 'inherit'],
  });

function start(name: string, cmd: string, args: string[], cwd: string, env: Record<string, string>) {
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code) => code && console.error(`${name} exited with ${code}`));
  children.push(child);
}

async function waitFor(url: string) {
  for (let i = 0; i < 300; i++) {
    try {
      await fetch(url, { method: 'POST' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not come up`);
}

async function prepareBaseline() {
  if (!existsSync(path.join(BASELINE_DIR, 'node_modules'))) {
    cpSync(BASELINE_SRC, BASELINE_DIR, { recursive: true });
    execSync('npm install --no-audit --no-fund --silent', { cwd: BASELINE_DIR, stdio: 'inherit' });
  }
  psql('DROP DATABASE IF EXISTS lockbase WITH (FORCE); CREATE DATABASE lockbase;');
  execSync(`psql -q -h 127.0.0.1 -U postgres -d lockbase -f setup.sql`, {
    cwd: BASELINE_DIR,
    stdio: 'ignore',
  });
  start('lock-baseline', process.execPath, ['server.js'], BASELINE_DIR, {
    PORT: '3900',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/lockbase',
  });
  await waitFor('http://127.0.0.1:3900/auctions/1/bids');
}

async function prepareOurs(): Promise<{ hot: string; spread: string[] }> {
  psql('DROP DATABASE IF EXISTS auctions_bench_bids WITH (FORCE);');
  start('server', process.execPath, ['--import', 'tsx', 'src/main.ts'], ROOT, {
    PORT: '3902',
    DATABASE_URL: PG.replace(/\/[^/]*$/, '/auctions_bench_bids'),
    JWT_SECRET: SECRET,
    LOG_LEVEL: 'warn',
  });
  await waitFor('http://127.0.0.1:3902/health/live');
  const reg = await fetch('http://127.0.0.1:3902/auth/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `seller-${Date.now()}@bench.test`,
      password: 'bench password',
      displayName: 'Seller',
    }),
  });
  const { token } = (await reg.json()) as { token: string };
  const create = async () => {
    const res = await fetch('http://127.0.0.1:3902/auctions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        title: 'Bench lot',
        currency: 'EUR',
        startingPrice: 0,
        minIncrement: 1,
        endsAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    });
    return ((await res.json()) as { auctionId: string }).auctionId;
  };
  const hot = await create();
  const spread: string[] = [];
  for (let i = 0; i < 100; i++) spread.push(...(await Promise.all(Array.from({ length: 10 }, create))));
  return { hot, spread };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function summarise(results: LoadResult[]) {
  return {
    target: results[0]!.target,
    auctions: results[0]!.auctions,
    decidedPerSec: median(results.map((r) => r.decidedPerSec)),
    acceptedPerSec: median(results.map((r) => r.acceptedPerSec)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    codes: results.map((r) => r.codes),
  };
}

async function main() {
  console.log(
    `# bids bench: ${os.cpus().length} cores, node ${process.version}, ${CONN} connections, ${DUR}s x ${RUNS} runs`,
  );
  await prepareBaseline();
  const ours = await prepareOurs();
  start('bare', process.execPath, ['--import', 'tsx', 'bench/bareServer.ts'], ROOT, {
    PORT: '3901',
    JWT_SECRET: SECRET,
  });
  await waitFor('http://127.0.0.1:3901/auctions/x/bids');

  const lockSpread = Array.from({ length: 1000 }, (_, i) => String(i + 1));
  const scenarios = [
    { name: 'hot', lock: ['1'], ours: [ours.hot] },
    { name: '1000', lock: lockSpread, ours: ours.spread },
  ];
  const rows: Array<ReturnType<typeof summarise>> = [];
  for (const scenario of scenarios) {
    const lock: LoadResult[] = [];
    const mine: LoadResult[] = [];
    for (let run = 0; run < RUNS; run++) {
      const common = { secret: SECRET, connections: CONN, seconds: DUR };
      lock.push(
        await bidLoad({
          ...common,
          secret: BASELINE_SECRET,
          target: 'lock-baseline',
          url: 'http://127.0.0.1:3900',
          ids: scenario.lock,
        }),
      );
      mine.push(
        await bidLoad({ ...common, target: 'ours', url: 'http://127.0.0.1:3902', ids: scenario.ours }),
      );
      console.log(JSON.stringify({ scenario: scenario.name, run, lock: lock.at(-1), ours: mine.at(-1) }));
    }
    rows.push(summarise(lock), summarise(mine));
  }
  const bare: LoadResult[] = [];
  for (let run = 0; run < RUNS; run++) {
    bare.push(
      await bidLoad({
        target: 'bare',
        url: 'http://127.0.0.1:3901',
        ids: ['x'],
        secret: SECRET,
        connections: CONN,
        seconds: DUR,
      }),
    );
  }
  rows.push(summarise(bare));

  console.log('\n| target | auctions | decided/s | accepted/s | p50 ms | p99 ms |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.target} | ${r.auctions} | ${r.decidedPerSec} | ${r.acceptedPerSec} | ${r.p50} | ${r.p99} |`,
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
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill('SIGTERM');
  });
