/**
 * `npm run chaos`: the full chaos run against this machine's PostgreSQL and Redis, with real
 * faults: it runs FLUSHALL on the Redis and restarts the PostgreSQL cluster (as root). Never run
 * it against services that hold data you want. CHAOS_SECONDS sets the length (default 60).
 */
import { brokenPromises, runChaos } from './chaosRun';

async function main() {
  const seconds = Number(process.env.CHAOS_SECONDS ?? 60);
  console.log(`# chaos run: ${seconds} s, two instances, real faults`);
  const report = await runChaos({
    seconds,
    auctions: 60,
    bidders: 30,
    loops: 24,
    watchers: 6,
    realFaults: process.env.CHAOS_REAL_FAULTS !== 'false',
    log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  console.log(JSON.stringify(report, null, 2));
  const broken = brokenPromises(report);
  console.log(
    `\nload held: ${report.load.acknowledged} bids acknowledged of ${report.load.attempts} attempts in ${seconds} s; ` +
      `faults: ${report.faults.length}; 503: ${report.serverErrors.unavailable}; 500: ${report.serverErrors.status500}; ` +
      `auctions ended: ${report.auctionsEnded}; WebSocket events: ${report.websocket.events}, resumes: ${report.websocket.resumes}; ` +
      `lost: ${report.lost.length}; notifications checked: ${report.notifications.expected}; ` +
      `sale: ${report.sale?.lots} lots, ${report.sale?.extended} extended, ${report.sale?.closed} closed; ` +
      `after the hammer: ${report.afterHammer.invoices} invoices, ${report.afterHammer.overdue} overdue, ${report.afterHammer.secondChances} second chances, ${report.afterHammer.offersAccepted} offers accepted`,
  );
  console.log(broken.length ? `BROKEN:\n- ${broken.join('\n- ')}` : 'every promise held');
  process.exit(broken.length ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
