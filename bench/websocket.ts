/**
 * WebSocket bench: watchers subscribed to auctions while bids arrive at a fixed rate; from each
 * bid's 201 reply to its message at every watcher of its auction. The same load and the same
 * client code run against three servers in one run:
 *   ours      `npm start` (the bid is decided, appended, projected, then pushed)
 *   ws        a bare `ws` broadcaster that answers 201 and sends one pre-encoded frame of the same
 *             size (the ceiling of the machine and of the `ws` library)
 *   socketio  Socket.IO 4 broadcasting the same frames to a room
 * For each: messages delivered per second, p50/p99, messages lost or out of order, and the
 * server's CPU per delivered message (µs, from /proc). Then our memory for idle connections.
 * The watchers are read by THREADS watcher threads (bench/watcherThread.ts); every time is taken
 * on one clock (milliseconds since the epoch), so a reply and a message are compared wherever
 * they were read. With every watcher on the bidder's own event loop, that loop was the bottleneck:
 * a message's time was mostly its wait to be read there (docs/performance.md).
 *   npm run bench:websocket      (RUNS=1 DUR=8 WARMUP=2 SCENARIOS=hot,spread TARGETS=ws,socketio,ours
 *                                 IDLE=10000 THREADS=4; DIAG=1 adds each bid's first watcher and spread)
 * Scenarios: hot = 1,000 watchers of one auction at 100 bids/s; spread = 10,000 watchers over 100
 * auctions at 200 bids/s in all.
 */
import os from 'node:os';
import jwt from 'jsonwebtoken';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { v7 as uuidv7 } from 'uuid';
import {
  BROADCASTERS,
  OURS,
  SECRET,
  cpuMeter,
  median,
  runBench,
  startBroadcaster,
  startOurs,
} from './servers';
import { clock, eventKey, openWatchers, type TargetName } from './watchers';

const RUNS = Number(process.env.RUNS ?? 1);
const DUR = Number(process.env.DUR ?? 8);
const WARMUP = Number(process.env.WARMUP ?? 2);
const IDLE = Number(process.env.IDLE ?? 10_000);
const SCENARIOS = [
  { name: 'hot', watchers: 1000, auctions: 1, rate: 100 },
  { name: 'spread', watchers: 10_000, auctions: 100, rate: 200 },
].filter((s) => (process.env.SCENARIOS ?? 'hot,spread').split(',').includes(s.name));
const TARGETS = (process.env.TARGETS ?? 'ws,socketio,ours').split(',') as TargetName[];
const THREADS = Number(process.env.THREADS ?? 4);
type Scenario = (typeof SCENARIOS)[number];

const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN) * 10) / 10;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One bid to a target; the key its message will carry, or undefined when it sends none. */
const amounts = new Map<string, number>(); // rising per auction, across every bidder of the run

function bidder(target: TargetName) {
  const base = target === 'ours' ? OURS : BROADCASTERS[target];
  // Two bidders taking turns on each auction: a leader's own bid is a private ceiling raise.
  const tokens = [0, 1].map(() =>
    jwt.sign({ sub: uuidv7(), roles: ['bidder'] }, SECRET, { algorithm: 'HS256', expiresIn: 3600 }),
  );
  const turns = new Map<string, number>();
  return async (auctionId: string): Promise<string | undefined> => {
    const amount = (amounts.get(auctionId) ?? 1000) + 1;
    amounts.set(auctionId, amount);
    const turn = (turns.get(auctionId) ?? 0) + 1;
    turns.set(auctionId, turn);
    const res = await fetch(`${base}/auctions/${auctionId}/bids`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[turn % 2]}` },
      body: JSON.stringify({ amount }),
    });
    const body = (await res.json()) as { revision?: number; maxAmount?: number };
    if (res.status !== 201) throw new Error(`bid answered ${res.status}`);
    if (body.revision === undefined || body.maxAmount !== undefined) return undefined;
    return `${auctionId}:${body.revision}`;
  };
}

/** A watcher thread (bench/watcherThread.ts) under tsx: a worker does not inherit the loader. */
function watcherThread(target: TargetName, auctions: string[]) {
  const entry = path.join(__dirname, 'watcherThread.ts');
  const source = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(entry)});`;
  const worker = new Worker(source, { eval: true, workerData: { target, auctions } });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: T & { type: string }) => {
        if (message.type !== type) return;
        worker.off('message', onMessage);
        resolve(message);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  const opened = next('open');
  return {
    opened,
    subscribe: () => worker.postMessage('subscribe'),
    async collect() {
      const result = next<{ arrivals: Array<[string, number[]]>; outOfOrder: number }>('result');
      worker.postMessage('collect');
      const { arrivals, outOfOrder } = await result;
      await worker.terminate();
      return { arrivals, outOfOrder };
    },
  };
}

/**
 * The scenario's watchers, split over THREADS watcher threads: 1,000 sockets read on one event
 * loop (with the bids' replies) made that loop the bottleneck, and measured its own queue.
 */
async function openWatcherThreads(target: TargetName, scenario: Scenario, auctions: string[]) {
  const of = Array.from({ length: scenario.watchers }, (_, i) => auctions[i % auctions.length]!);
  const per = Math.ceil(of.length / THREADS);
  const threads = Array.from({ length: THREADS }, (_, t) =>
    watcherThread(target, of.slice(t * per, (t + 1) * per)),
  ).filter((_, t) => t * per < of.length);
  await Promise.all(threads.map((t) => t.opened));
  return {
    subscribe: () => threads.forEach((t) => t.subscribe()),
    async collect() {
      const results = await Promise.all(threads.map((t) => t.collect()));
      const arrivals: Array<[string, number]> = [];
      for (const r of results)
        for (const [key, times] of r.arrivals) for (const at of times) arrivals.push([key, at]);
      return { arrivals, outOfOrder: results.reduce((n, r) => n + r.outOfOrder, 0) };
    },
  };
}

async function runScenario(target: TargetName, scenario: Scenario, auctionIds: string[]) {
  const auctions = auctionIds.slice(0, scenario.auctions);
  const watchers = await openWatcherThreads(target, scenario, auctions);
  watchers.subscribe();
  await sleep(2000 + scenario.watchers / 5);

  const bid = bidder(target);
  const replyAt = new Map<string, number>();
  const watchersOf = (key: string) =>
    Math.floor(scenario.watchers / auctions.length) +
    (auctions.indexOf(key.slice(0, 36)) < scenario.watchers % auctions.length ? 1 : 0);
  let failed = 0;
  /** Bids at the scenario's rate for `seconds`; `measured` ones are timed. */
  const drive = async (seconds: number, measured: boolean) => {
    const from = clock();
    const inFlight: Promise<void>[] = [];
    let sent = 0;
    while (clock() - from < seconds * 1000) {
      const due = Math.floor(((clock() - from) / 1000) * scenario.rate);
      while (sent < due) {
        const auctionId = auctions[sent++ % auctions.length]!;
        inFlight.push(
          bid(auctionId).then(
            (key) => void (measured && key && replyAt.set(key, clock())),
            () => void (measured && failed++),
          ),
        );
      }
      await sleep(2);
    }
    await Promise.all(inFlight);
  };
  // Every server gets the same warm-up (JIT, first buffers): its messages are not counted.
  await drive(WARMUP, false);
  await sleep(1000);
  const cpu = cpuMeter(target === 'ours' ? 'server' : target);
  const started = clock();
  const benchCpu0 = process.cpuUsage();
  await drive(DUR, true);
  const benchCpu = process.cpuUsage(benchCpu0);
  await sleep(2000); // the last messages
  const { node: cpuSeconds } = cpu();
  const { arrivals, outOfOrder } = await watchers.collect();

  const latencies: number[] = [];
  let last = started;
  for (const [key, at] of arrivals) {
    const reply = replyAt.get(key);
    if (reply === undefined) continue;
    latencies.push(Math.max(0, at - reply));
    last = Math.max(last, at);
  }
  let expected = 0;
  for (const key of replyAt.keys()) expected += watchersOf(key);
  if (process.env.DIAG) diagnose(arrivals, replyAt);
  await sleep(1000);
  return {
    target,
    scenario: scenario.name,
    accepted: replyAt.size,
    failed,
    delivered: `${((100 * latencies.length) / Math.max(1, expected)).toFixed(1)}%`,
    outOfOrder,
    messagesPerSec: Math.round(latencies.length / ((last - started) / 1000)),
    p50ms: pct(latencies, 0.5),
    p99ms: pct(latencies, 0.99),
    cpuUsPerMessage: Math.round((cpuSeconds * 1e6) / Math.max(1, latencies.length)),
    /** The bench process's own CPU (watchers and bidder), in cores: it must not be the bottleneck. */
    benchCores: Math.round(((benchCpu.user + benchCpu.system) / 1e6 / DUR) * 100) / 100,
  };
}

/**
 * DIAG=1: per bid, its first watcher's latency (the pipeline: HTTP reply to the first socket) and
 * the spread to its last watcher (the fan-out, and the watchers' own reading).
 */
function diagnose(arrivals: Array<[string, number]>, replyAt: Map<string, number>) {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  for (const [key, at] of arrivals) {
    if (!replyAt.has(key)) continue;
    first.set(key, Math.min(first.get(key) ?? Infinity, at));
    last.set(key, Math.max(last.get(key) ?? 0, at));
  }
  const firsts = [...first].map(([key, at]) => at - replyAt.get(key)!);
  const spreads = [...first].map(([key, at]) => last.get(key)! - at);
  const [firstP50, firstP99, spreadP50, spreadP99] = [
    pct(firsts, 0.5),
    pct(firsts, 0.99),
    pct(spreads, 0.5),
    pct(spreads, 0.99),
  ];
  console.log(JSON.stringify({ diag: 'per bid', firstP50, firstP99, spreadP50, spreadP99 }));
}

async function serverMemoryMb(): Promise<number> {
  const text = await (await fetch(`${OURS}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('process_resident_memory_bytes '));
  return Math.round(Number(line?.split(' ')[1]) / 2 ** 20);
}

/** The size of our event frame, so the references send frames as large. */
async function ourFrameBytes(auctionId: string): Promise<number> {
  let size = 0;
  const [watcher] = await openWatchers('ours', 1, (_, text) => {
    if (eventKey(text)) size = Buffer.byteLength(text);
  });
  watcher!.subscribe(auctionId);
  await sleep(500);
  const bid = bidder('ours');
  while (size === 0) {
    await bid(auctionId);
    await sleep(100);
  }
  watcher!.close();
  return size;
}

async function main() {
  console.log(
    `# websocket bench: ${os.cpus().length} cores, node ${process.version}, ${RUNS} run(s) of ${DUR}s, ` +
      SCENARIOS.map(
        (s) => `${s.name}: ${s.watchers} watchers of ${s.auctions} auction(s) at ${s.rate} bids/s`,
      ).join('; '),
  );
  const auctionIds = await startOurs(Math.max(...SCENARIOS.map((s) => s.auctions)));
  const frameBytes = await ourFrameBytes(auctionIds[0]!);
  console.log(`# our event frame: ${frameBytes} bytes; the references send frames as large`);
  for (const kind of ['ws', 'socketio'] as const)
    if (TARGETS.includes(kind)) await startBroadcaster(kind, frameBytes);

  const results: Array<Awaited<ReturnType<typeof runScenario>>> = [];
  for (let run = 0; run < RUNS; run++)
    for (const scenario of SCENARIOS)
      for (const target of TARGETS) {
        const result = await runScenario(target, scenario, auctionIds);
        console.log(JSON.stringify({ run: run + 1, ...result }));
        results.push(result);
      }

  console.log('\n# medians');
  for (const scenario of SCENARIOS) {
    const of = (target: TargetName) =>
      results.filter((r) => r.scenario === scenario.name && r.target === target);
    const summary = Object.fromEntries(
      TARGETS.map((target) => {
        const rs = of(target);
        return [
          target,
          {
            messagesPerSec: median(rs.map((r) => r.messagesPerSec)),
            p50ms: median(rs.map((r) => r.p50ms)),
            p99ms: median(rs.map((r) => r.p99ms)),
            cpuUsPerMessage: median(rs.map((r) => r.cpuUsPerMessage)),
          },
        ];
      }),
    );
    const ratio = (a?: number, b?: number) => (a && b ? Math.round((100 * a) / b) / 100 : undefined);
    console.log(
      JSON.stringify({
        scenario: scenario.name,
        ...summary,
        oursVsCeilingMessages: ratio(summary.ours?.messagesPerSec, summary.ws?.messagesPerSec),
        oursVsSocketIoMessages: ratio(summary.ours?.messagesPerSec, summary.socketio?.messagesPerSec),
      }),
    );
  }

  if (IDLE > 0 && TARGETS.includes('ours')) {
    const before = await serverMemoryMb();
    const idle = await openWatchers('ours', IDLE, () => undefined);
    await sleep(3000);
    const after = await serverMemoryMb();
    console.log(
      JSON.stringify({
        idleConnections: idle.length,
        serverRssBeforeMb: before,
        serverRssAfterMb: after,
        perConnectionKb: Math.round(((after - before) * 1024) / idle.length),
      }),
    );
    for (const w of idle) w.close();
  }
}

runBench(main);
