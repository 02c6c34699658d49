/**
 * WebSocket bench: 1,000 subscribers on one auction while bids arrive at a fixed rate; the time
 * from each bid's 201 reply to each subscriber's message (p50, p99), and the messages delivered
 * per second, at 100 bids/s and at higher rates; then the server's memory for 10,000 idle
 * connections.   npm run bench:websocket    (SUBSCRIBERS=1000 DUR=10 RATES=100,200,400 IDLE=10000)
 */
import os from 'node:os';
import jwt from 'jsonwebtoken';
import { v7 as uuidv7 } from 'uuid';
import WebSocket from 'ws';
import { OURS, SECRET, startOurs, runBench } from './servers';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 1000);
const DUR = Number(process.env.DUR ?? 10);
const RATES = (process.env.RATES ?? '100,200,400').split(',').map(Number);
const IDLE = Number(process.env.IDLE ?? 10_000);
const WS_URL = OURS.replace('http', 'ws') + '/ws';

const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN) * 10) / 10;
};

async function openClients(n: number, onMessage?: (text: string, at: number) => void): Promise<WebSocket[]> {
  const clients: WebSocket[] = [];
  for (let i = 0; i < n; i += 200) {
    const batch = Array.from({ length: Math.min(200, n - i) }, async () => {
      const ws = new WebSocket(WS_URL, { perMessageDeflate: false });
      if (onMessage) ws.on('message', (data) => onMessage(data.toString(), performance.now()));
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      clients.push(ws);
    });
    await Promise.all(batch);
  }
  return clients;
}

async function serverMemoryMb(): Promise<number> {
  const text = await (await fetch(`${OURS}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('process_resident_memory_bytes '));
  return Math.round(Number(line?.split(' ')[1]) / 2 ** 20);
}

async function main() {
  console.log(
    `# websocket bench: ${os.cpus().length} cores, node ${process.version}, ${SUBSCRIBERS} subscribers, ${DUR}s per rate`,
  );
  const [auctionId] = await startOurs(1);
  // Two bidders taking turns: a leader's own bid is a private ceiling raise that nobody is sent.
  const tokens = [0, 1].map(() =>
    jwt.sign({ sub: uuidv7(), roles: ['bidder'] }, SECRET, { algorithm: 'HS256', expiresIn: 3600 }),
  );

  const replyAt = new Map<number, number>();
  const arrivals: Array<[number, number]> = []; // [revision, time]
  const clients = await openClients(SUBSCRIBERS, (text, at) => {
    if (text.startsWith('{"type":"auction.event"')) {
      const revision = Number(/"revision":(\d+)/.exec(text.slice(text.indexOf('"event"')))![1]);
      arrivals.push([revision, at]);
    }
  });
  for (const ws of clients) ws.send(JSON.stringify({ type: 'subscribe', auctionId }));
  await new Promise((r) => setTimeout(r, 2000));

  let amount = 1000;
  for (const rate of RATES) {
    arrivals.length = 0;
    replyAt.clear();
    const started = performance.now();
    let sent = 0;
    let failed = 0;
    const inFlight: Promise<void>[] = [];
    while (performance.now() - started < DUR * 1000) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate);
      while (sent < due) {
        sent++;
        inFlight.push(
          fetch(`${OURS}/auctions/${auctionId}/bids`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[sent % 2]}` },
            body: JSON.stringify({ amount: (amount += 1) }),
          }).then(
            async (res) => {
              const at = performance.now();
              const body = (await res.json()) as { revision?: number; maxAmount?: number };
              // A raise of one's own ceiling (two bids of one bidder decided in a row) sends nothing.
              if (res.status === 201 && body.revision !== undefined && body.maxAmount === undefined)
                replyAt.set(body.revision, at);
              else if (res.status !== 201) failed++;
            },
            () => void failed++,
          ),
        );
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(inFlight);
    await new Promise((r) => setTimeout(r, 2000)); // let the last messages arrive
    const latencies = arrivals
      .filter(([rev]) => replyAt.has(rev))
      .map(([rev, at]) => Math.max(0, at - replyAt.get(rev)!));
    const expected = replyAt.size * SUBSCRIBERS;
    const elapsed = (arrivals.reduce((m, [, at]) => Math.max(m, at), started) - started) / 1000;
    console.log(
      JSON.stringify({
        bidsPerSec: rate,
        accepted: replyAt.size,
        failed,
        messages: latencies.length,
        expected,
        delivered: `${((100 * latencies.length) / Math.max(1, expected)).toFixed(1)}%`,
        messagesPerSec: Math.round(latencies.length / elapsed),
        p50ms: pct(latencies, 0.5),
        p99ms: pct(latencies, 0.99),
      }),
    );
  }
  for (const ws of clients) ws.terminate();
  await new Promise((r) => setTimeout(r, 2000));

  const before = await serverMemoryMb();
  const idle = await openClients(IDLE);
  await new Promise((r) => setTimeout(r, 3000));
  const after = await serverMemoryMb();
  console.log(
    JSON.stringify({
      idleConnections: idle.length,
      serverRssBeforeMb: before,
      serverRssAfterMb: after,
      perConnectionKb: Math.round(((after - before) * 1024) / idle.length),
    }),
  );
  for (const ws of idle) ws.terminate();
}

runBench(main);
