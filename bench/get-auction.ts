/**
 * The hot read: `GET /auctions/:id` requests/s and latency at 50 connections, our server (Redis
 * read model) against the lock baseline's Redis-cached GET, in the same run.
 *   npm run bench:get-auction      (DUR=10 CONN=50 RUNS=3)
 */
import os from 'node:os';
import autocannon from 'autocannon';
import { BASELINE, OURS, median, startBaseline, startOurs, runBench } from './servers';

const DUR = Number(process.env.DUR ?? 10);
const CONN = Number(process.env.CONN ?? 50);
const RUNS = Number(process.env.RUNS ?? 3);

function load(url: string, paths: string[]) {
  let n = 0;
  const codes: Record<string, number> = {};
  return new Promise<{ rps: number; p50: number; p99: number; codes: Record<string, number> }>(
    (resolve, reject) => {
      autocannon(
        {
          url,
          connections: CONN,
          duration: DUR,
          requests: [
            {
              method: 'GET',
              setupRequest: (req) => ({ ...req, path: paths[n++ % paths.length] }),
              onResponse: (status) => {
                codes[status] = (codes[status] ?? 0) + 1;
              },
            },
          ],
        },
        (error, result) =>
          error
            ? reject(error)
            : resolve({
                rps: Math.round(result.requests.average),
                p50: result.latency.p50,
                p99: result.latency.p99,
                codes,
              }),
      );
    },
  );
}

async function main() {
  console.log(
    `# GET /auctions/:id bench: ${os.cpus().length} cores, node ${process.version}, ${CONN} connections, ${DUR}s x ${RUNS}`,
  );
  await startBaseline();
  const ids = await startOurs(100);
  await new Promise((r) => setTimeout(r, 1000)); // let the projections catch up
  const lock: Array<Awaited<ReturnType<typeof load>>> = [];
  const ours: typeof lock = [];
  for (let run = 0; run < RUNS; run++) {
    lock.push(
      await load(
        BASELINE,
        Array.from({ length: 100 }, (_, i) => `/auctions/${i + 1}`),
      ),
    );
    ours.push(
      await load(
        OURS,
        ids.map((id) => `/auctions/${id}`),
      ),
    );
    console.log(JSON.stringify({ run, lock: lock.at(-1), ours: ours.at(-1) }));
  }
  const row = (name: string, rs: typeof lock) =>
    `| ${name} | ${median(rs.map((r) => r.rps))} | ${median(rs.map((r) => r.p50))} | ${median(rs.map((r) => r.p99))} |`;
  console.log('\n| target | requests/s | p50 ms | p99 ms |\n|---|---|---|---|');
  console.log(row('lock baseline (cached GET)', lock));
  console.log(row('ours (Redis read model)', ours));
  console.log(`ours/lock = ${(median(ours.map((r) => r.rps)) / median(lock.map((r) => r.rps))).toFixed(2)}x`);
}

runBench(main);
