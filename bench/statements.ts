/**
 * Where PostgreSQL spends its time per bid: `npm run bench:statements` runs our server under the
 * bid load (1000 auctions, or with SCENARIO=hot one hot auction) and prints the top statements
 * of pg_stat_statements (which must be in shared_preload_libraries) per accepted bid.
 * Env: DUR (s, default 8), CONN (50), SCENARIO (1000 or hot).
 */
import { bidLoad } from './bidLoad';
import { OURS, SECRET, psql, runBench, startOurs } from './servers';
import { execSync } from 'node:child_process';

const DUR = Number(process.env.DUR ?? 8);
const CONN = Number(process.env.CONN ?? 50);
const HOT = process.env.SCENARIO === 'hot';

async function main() {
  const [, hot, ...spread] = await startOurs(1002);
  psql('CREATE EXTENSION IF NOT EXISTS pg_stat_statements', 'auctions_bench');
  psql('SELECT pg_stat_statements_reset()', 'auctions_bench');
  const result = await bidLoad({
    target: 'ours',
    url: OURS,
    ids: HOT ? [hot!] : spread,
    secret: SECRET,
    connections: CONN,
    seconds: DUR,
  });
  const accepted = result.codes[201] ?? 1;
  const rows = execSync(
    `psql -h 127.0.0.1 -U postgres -d auctions_bench -At -F '|' -c "SELECT round(total_exec_time::numeric, 1), calls, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'auctions_bench' ORDER BY total_exec_time DESC LIMIT 15"`,
  ).toString();
  console.log(
    `${HOT ? 'one hot auction' : '1000 auctions'}: ${accepted} bids accepted in ${DUR} s (${result.decidedPerSec} decided/s)`,
  );
  console.log('| exec ms per bid | calls per bid | rows per call | statement |\n|---|---|---|---|');
  for (const line of rows.trim().split('\n')) {
    const [ms, calls, n, query] = line.split('|');
    console.log(
      `| ${(Number(ms) / accepted).toFixed(3)} | ${(Number(calls) / accepted).toFixed(3)} | ${(Number(n) / Math.max(1, Number(calls))).toFixed(1)} | ${query} |`,
    );
  }
}

runBench(main);
