/**
 * Starts, for a benchmark run on this machine, our server, the lock-per-bid baseline of
 * ../shared/peers/lock-baseline and a bare express + JWT handler, and stops them all at the end.
 */
import { ChildProcess, execSync, spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const SECRET = 'bench-secret-bench-secret-bench-secret';
/** server.js of the baseline hard-codes its secret. */
export const BASELINE_SECRET = 'bench-secret';
export const OURS = 'http://127.0.0.1:3902';
export const BASELINE = 'http://127.0.0.1:3900';
export const BARE = 'http://127.0.0.1:3901';

const ROOT = path.resolve(__dirname, '..');
const BASELINE_SRC = path.resolve(ROOT, '../shared/peers/lock-baseline');
const BASELINE_DIR = path.join(os.tmpdir(), 'lock-baseline-bench');
const children: ChildProcess[] = [];
const pids = new Map<string, number>();

const CLOCK_TICKS = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

/** CPU seconds (user + system) a process (or, with `task`, one of its threads) has used so far, from /proc. */
function processCpuSeconds(pid: number, task?: number): number {
  try {
    const file = task === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${task}/stat`;
    const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0; // gone
  }
}

/** CPU seconds of every process on the machine named `comm` (PostgreSQL's server and backends), by pid, from /proc. */
function commandCpuSeconds(comm: string): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm)
        byPid.set(Number(entry), processCpuSeconds(Number(entry)));
    } catch {
      // the process ended meanwhile
    }
  }
  return byPid;
}

/**
 * The CPU seconds processes named `comm` used since `before`: each live process's growth, a new
 * one's whole time. A process that ended meanwhile is left out: subtracting what it had used
 * before would charge the window with another's past (an idle pool closing a backend of the
 * previous target, an autovacuum worker ending), and its last moments cannot be read any more.
 */
function commandCpuSince(comm: string, before: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of commandCpuSeconds(comm)) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** Starts counting CPU: `stop()` gives the seconds the named server (and its main thread), PostgreSQL and Redis used since. */
export function cpuMeter(server: string) {
  const pid = pids.get(server)!;
  const node0 = processCpuSeconds(pid);
  const main0 = processCpuSeconds(pid, pid);
  const pg0 = commandCpuSeconds('postgres');
  const redis0 = commandCpuSeconds('redis-server');
  return () => ({
    node: processCpuSeconds(pid) - node0,
    /** The main thread alone (HTTP); the rest of `node` is the projector thread, GC and libuv helpers. */
    nodeMain: processCpuSeconds(pid, pid) - main0,
    postgres: commandCpuSince('postgres', pg0),
    redis: commandCpuSince('redis-server', redis0),
  });
}

export const psql = (sql: string, db = 'postgres') =>
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
  pids.set(name, child.pid!);
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

/** The baseline on a fresh `lockbase` database with its 1000 auctions (ids 1..1000). */
export async function startBaseline() {
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
  await waitFor(`${BASELINE}/auctions/1/bids`);
}

/** Our server (src/main.ts) on an existing database, with `env` on top of the bench settings. */
export async function startOursOn(databaseUrl: string, env: Record<string, string> = {}) {
  start(
    'server',
    process.execPath,
    [
      ...(process.env.PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR}`] : []),
      '--import',
      'tsx',
      'src/main.ts',
    ],
    ROOT,
    {
      PORT: '3902',
      DATABASE_URL: databaseUrl,
      REDIS_KEY_PREFIX: 'bench:',
      JWT_SECRET: SECRET,
      // LOG_LEVEL is npm start's default (info): a line per request, as in production (stdout
      // is /dev/null here). The lock baseline has no rate limits; the load generator is one IP with a few users.
      RATE_LIMIT_AUTH: 'off',
      RATE_LIMIT_BIDS: 'off',
      ...env,
    },
  );
  await waitFor(`${OURS}/health/live`);
}

/** Our server on a fresh database, with `count` auctions created by one seller. */
export async function startOurs(count: number): Promise<string[]> {
  psql('DROP DATABASE IF EXISTS auctions_bench WITH (FORCE);');
  execSync(`redis-cli --scan --pattern 'bench:*' | xargs -r redis-cli del`, {
    stdio: 'ignore',
    shell: '/bin/bash',
  });
  await startOursOn('postgres://postgres@127.0.0.1:5432/auctions_bench');
  const reg = await fetch(`${OURS}/auth/register`, {
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
    const res = await fetch(`${OURS}/auctions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        title: 'Bench lot',
        description: 'A lot created by the benchmark.',
        currency: 'EUR',
        startingPrice: 0,
        minIncrement: 1,
        endsAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    });
    return ((await res.json()) as { auctionId: string }).auctionId;
  };
  const ids: string[] = [];
  while (ids.length < count)
    ids.push(...(await Promise.all(Array.from({ length: Math.min(10, count - ids.length) }, create))));
  return ids;
}

export async function startBare() {
  start('bare', process.execPath, ['--import', 'tsx', 'bench/bareServer.ts'], ROOT, {
    PORT: '3901',
    JWT_SECRET: SECRET,
  });
  await waitFor(`${BARE}/auctions/x/bids`);
}

/** The reference broadcasters of bench:websocket (bench/broadcasters.ts). */
export const BROADCASTERS = { ws: 'http://127.0.0.1:3903', socketio: 'http://127.0.0.1:3904' } as const;

export async function startBroadcaster(kind: keyof typeof BROADCASTERS, frameBytes: number) {
  const port = new URL(BROADCASTERS[kind]).port;
  start(kind, process.execPath, ['--import', 'tsx', 'bench/broadcasters.ts', kind], ROOT, {
    PORT: port,
    FRAME_BYTES: String(frameBytes),
  });
  await waitFor(`${BROADCASTERS[kind]}/auctions/x/bids`);
}

export function stopAll() {
  for (const child of children) child.kill('SIGTERM');
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A quantile of a Prometheus summary, read from our server's /metrics. */
export async function metricQuantile(
  metric: string,
  labels: string,
  quantile: string,
): Promise<number | undefined> {
  const text = await (await fetch(`${OURS}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${metric}{`) && l.includes(labels) && l.includes(`quantile="${quantile}"`));
  return line ? Number(line.split(' ').at(-1)) : undefined;
}

/** Runs a benchmark's main, then stops every server it started, whatever happened. */
export function runBench(main: () => Promise<void>) {
  main()
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => {
      stopAll();
      // Clients the bench opened (sockets, agents) must not keep the process alive.
      setTimeout(() => process.exit(), 500).unref();
    });
}
