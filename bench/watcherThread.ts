/**
 * A watcher thread of the WebSocket bench: opens its share of the watchers, subscribes each to
 * its auction when told, and at the end hands back when each event frame arrived (per key, every
 * watcher's arrival time) and how many came out of order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { eventKey, openWatchers, type TargetName } from './watchers';

interface Data {
  target: TargetName;
  /** The auction of each of this thread's watchers. */
  auctions: string[];
}

async function run() {
  const { target, auctions } = workerData as Data;
  const arrivals = new Map<string, number[]>();
  const lastSeen = new Int32Array(auctions.length).fill(-1);
  let outOfOrder = 0;
  const watchers = await openWatchers(target, auctions.length, (index, text, at) => {
    const key = eventKey(text);
    if (!key) return;
    const revision = Number(key.slice(37));
    if (revision <= lastSeen[index]!) outOfOrder++;
    lastSeen[index] = revision;
    const times = arrivals.get(key);
    if (times) times.push(at);
    else arrivals.set(key, [at]);
  });
  parentPort!.on('message', (message: 'subscribe' | 'collect') => {
    if (message === 'subscribe') return watchers.forEach((w, i) => w.subscribe(auctions[i]!));
    for (const w of watchers) w.close();
    parentPort!.postMessage({ type: 'result', arrivals: [...arrivals], outOfOrder });
  });
  parentPort!.postMessage({ type: 'open' });
}

void run();
