/**
 * Sale benchmark, one command: `npm run bench:sale`. A timed sale of LOTS lots GAP seconds apart
 * (soft close: a bid in a lot's last WINDOW seconds extends it by WINDOW), with BIDDERS bidders
 * bidding on the lots about to close, each waiting THINK_MS (0..2x, at random) between bids.
 * Then the same bidders, for as long, on three standalone auctions: the CPU per bid of both.
 * Reports from the log: every lot's close delay (recorded close - its last end) and that no lot
 * closed before the one before it; from the clients: the bids' p50/p99.
 * Env: LOTS (500), GAP (10), BIDDERS (200), THINK_MS (500), WINDOW (3). The issue's figure is
 * the defaults (83 minutes); `LOTS=40 GAP=3` runs in about 3 minutes.
 */
import os from 'node:os';
import { Client } from 'pg';
import jwt from 'jsonwebtoken';
import { v7 as uuidv7 } from 'uuid';
import { OURS, SECRET, cpuMeter, runBench, startOurs } from './servers';

const LOTS = Number(process.env.LOTS ?? 500);
const GAP = Number(process.env.GAP ?? 10);
const BIDDERS = Number(process.env.BIDDERS ?? 200);
const THINK_MS = Number(process.env.THINK_MS ?? 500);
const WINDOW = Number(process.env.WINDOW ?? 3);
const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/auctions_bench';

const token = (sub: string, roles = ['bidder']) =>
  jwt.sign({ sub, roles }, SECRET, { algorithm: 'HS256', expiresIn: 7200 });

async function call(method: string, path: string, auth: string, body?: unknown) {
  const res = await fetch(`${OURS}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
};

/** The sale and its lots, created by one seller; the lots' planned ends. */
async function createSale(seller: string) {
  const startsAt = Date.now() + 5000 + LOTS * 40; // time to add the lots
  const firstLotEndsAt = startsAt + Math.max(10, GAP) * 1000;
  const sale = await call('POST', '/sales', seller, {
    title: 'Bench sale',
    currency: 'EUR',
    startsAt: new Date(startsAt).toISOString(),
    firstLotEndsAt: new Date(firstLotEndsAt).toISOString(),
    lotGapSeconds: GAP,
    softClose: { windowSeconds: WINDOW, extensionSeconds: WINDOW },
  });
  if (sale.status !== 201) throw new Error(`POST /sales: ${sale.status} ${JSON.stringify(sale.body)}`);
  const saleId = sale.body.saleId as string;
  const lots: Array<{ auctionId: string; endsAt: number }> = [];
  for (let n = 1; n <= LOTS; n++) {
    const lot = await call('POST', `/sales/${saleId}/lots`, seller, {
      title: `Lot ${n}`,
      startingPrice: 100,
    });
    if (lot.status !== 201) throw new Error(`POST lot ${n}: ${lot.status} ${JSON.stringify(lot.body)}`);
    lots.push({ auctionId: lot.body.auctionId as string, endsAt: Date.parse(lot.body.endsAt as string) });
  }
  return { saleId, startsAt, lots };
}

/**
 * BIDDERS loops until `until()`: each bids on one of the lots about to close, then waits.
 * Each lot is worth something (random, 50.00 to 2,000.00) and nobody bids past it, so the bidding
 * on a lot dies down and it closes, as at a real sale. The bidders raise fast (each
 * bids over the last price it knows), so the cheaper lots go quiet before their last seconds and
 * the dearer ones are bid on into them and extended.
 */
async function bidders(targets: () => Array<{ auctionId: string; endsAt: number }>, until: () => number) {
  const latencies: number[] = [];
  const codes: Record<number, number> = {};
  const price = new Map<string, number>();
  const worth = new Map<string, number>();
  const one = async (i: number) => {
    const auth = token(uuidv7());
    while (Date.now() < until()) {
      const open = targets().filter((l) => (price.get(l.auctionId) ?? 0) < worthOf(worth, l.auctionId));
      const lot = open[i % Math.max(1, open.length)];
      if (lot) {
        const amount = (price.get(lot.auctionId) ?? 100) + 10 + (i % 7);
        price.set(lot.auctionId, amount);
        const started = performance.now();
        const res = await call('POST', `/auctions/${lot.auctionId}/bids`, auth, { amount });
        latencies.push(performance.now() - started);
        codes[res.status] = (codes[res.status] ?? 0) + 1;
        if (res.status === 201 && res.body.endsAt) lot.endsAt = Date.parse(res.body.endsAt as string);
        if (res.status === 422 && typeof res.body.minimumBid === 'number')
          price.set(lot.auctionId, res.body.minimumBid);
      }
      await new Promise((r) => setTimeout(r, Math.random() * 2 * THINK_MS));
    }
  };
  await Promise.all(Array.from({ length: BIDDERS }, (_, i) => one(i)));
  return { latencies, codes, decided: (codes[201] ?? 0) + (codes[422] ?? 0) };
}

const worthOf = (worth: Map<string, number>, auctionId: string) => {
  if (!worth.has(auctionId)) worth.set(auctionId, 5000 + Math.floor(Math.random() * 195_000));
  return worth.get(auctionId)!;
};

/** From the log: each lot's last end, its recorded close, and its extensions. */
async function lotsFromLog(lots: Array<{ auctionId: string }>) {
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  const { rows } = await db.query<{
    stream_id: string;
    type: string;
    data: { endsAt?: string };
    recorded_at: Date;
  }>(
    `SELECT stream_id, type, data, recorded_at FROM events WHERE stream_id = ANY($1)
     AND type IN ('AuctionCreated', 'AuctionExtended', 'AuctionClosed') ORDER BY stream_id, stream_revision`,
    [lots.map((l) => `auction-${l.auctionId}`)],
  );
  await db.end();
  return lots.map(({ auctionId }) => {
    const mine = rows.filter((r) => r.stream_id === `auction-${auctionId}`);
    const ends = mine.filter((r) => r.data.endsAt).map((r) => Date.parse(r.data.endsAt!));
    const closed = mine.find((r) => r.type === 'AuctionClosed');
    return { endsAt: ends.at(-1)!, closedAt: closed?.recorded_at.getTime(), extensions: ends.length - 1 };
  });
}

async function main() {
  console.log(
    `# sale bench: ${os.cpus().length} cores, node ${process.version}: ${LOTS} lots ${GAP}s apart, ${BIDDERS} bidders, think ${THINK_MS} ms, soft close ${WINDOW}s`,
  );
  const [standalone1, standalone2, standalone3] = await startOurs(3);
  const seller = token(uuidv7());
  const { startsAt, lots } = await createSale(seller);
  console.log(
    `created ${lots.length} lots; the sale starts in ${Math.round((startsAt - Date.now()) / 1000)} s`,
  );
  await new Promise((r) => setTimeout(r, Math.max(0, startsAt - Date.now())));
  const saleCpu = cpuMeter('server');
  const saleStarted = Date.now();
  const saleEnd = () => Math.max(...lots.map((l) => l.endsAt)); // extensions push the lots on
  const sale = await bidders(() => {
    const now = Date.now();
    // The lots about to close: in their last 2 x WINDOW seconds (their soft-close window and before).
    return lots.filter((l) => l.endsAt > now + 200 && l.endsAt - now < 2 * WINDOW * 1000).slice(0, 3);
  }, saleEnd);
  const saleSpent = saleCpu();
  const saleSeconds = (Date.now() - saleStarted) / 1000;
  // Until every lot has closed (the last ones may still be extended or closing), at most 2 minutes.
  let log = await lotsFromLog(lots);
  for (let i = 0; i < 120 && log.some((l) => l.closedAt === undefined); i++) {
    await new Promise((r) => setTimeout(r, 1000));
    log = await lotsFromLog(lots);
  }
  const closed = log.filter((l) => l.closedAt !== undefined);
  const delays = closed.map((l) => l.closedAt! - l.endsAt);
  const outOfOrder = log.filter(
    (l, i) => i > 0 && l.closedAt !== undefined && log[i - 1]!.closedAt! > l.closedAt,
  ).length;

  const standaloneCpu = cpuMeter('server');
  const ids = [standalone1!, standalone2!, standalone3!].map((auctionId) => ({
    auctionId,
    endsAt: Infinity,
  }));
  const aloneUntil = Date.now() + Math.min(60, saleSeconds) * 1000;
  const clientCpu = process.cpuUsage();
  const aloneStarted = Date.now();
  const alone = await bidders(
    () => ids,
    () => aloneUntil,
  );
  const aloneSpent = standaloneCpu();
  const { user, system } = process.cpuUsage(clientCpu);
  // The load generator shares the machine: its own CPU share says how much it weighs on the figures.
  const clientCores = Math.round(((user + system) / 1000 / (Date.now() - aloneStarted)) * 100) / 100;

  // Per decided bid (201 or 422: both are decided and cost the same path), whole-process CPU.
  const perBid = (cpu: { node: number; postgres: number }, decided: number) => ({
    nodeMs: Math.round((cpu.node * 1e6) / Math.max(1, decided)) / 1000,
    postgresMs: Math.round((cpu.postgres * 1e6) / Math.max(1, decided)) / 1000,
  });
  const report = {
    lots: LOTS,
    closed: closed.length,
    extended: log.filter((l) => l.extensions > 0).length,
    closeDelayMs: { p50: quantile(delays, 0.5), p99: quantile(delays, 0.99), max: Math.max(...delays) },
    closedWithin1s: delays.filter((d) => d >= 0 && d <= 1000).length,
    closedBeforeItsEnd: delays.filter((d) => d < 0).length,
    closedBeforeThePreviousLot: outOfOrder,
    saleBids: { ...sale.codes, perSecond: Math.round(sale.latencies.length / saleSeconds) },
    saleBidMs: { p50: quantile(sale.latencies, 0.5), p99: quantile(sale.latencies, 0.99) },
    saleCpuPerDecidedBid: perBid(saleSpent, sale.decided),
    standaloneBids: alone.codes,
    standaloneBidMs: { p50: quantile(alone.latencies, 0.5), p99: quantile(alone.latencies, 0.99) },
    standaloneCpuPerDecidedBid: perBid(aloneSpent, alone.decided),
    loadGeneratorCores: clientCores,
  };
  console.log(JSON.stringify(report, null, 2));
}

runBench(main);
