/**
 * The short chaos run (tests/chaos): two instances under bid load, each killed with SIGKILL and
 * restarted, Redis losing this run's keys, PostgreSQL dropping every connection to this run's
 * database, while the seller cancels bids and an admin suspends a bidder. (`npm run chaos` runs the long version with FLUSHALL and a real PostgreSQL restart,
 * which would disturb the other test files running beside this one.)
 */
import { brokenPromises, runChaos } from '../chaos/chaosRun';

describe('chaos', () => {
  it('loses no acknowledged bid, applies nothing twice, closes every ended auction once and every lot in turn, and converges', async () => {
    const report = await runChaos({
      seconds: 24,
      auctions: 24,
      bidders: 12,
      loops: 6,
      watchers: 3,
      realFaults: false,
    });
    console.log(
      `chaos: ${report.load.acknowledged} bids acknowledged, ${report.faults.length} faults, ` +
        `${report.serverErrors.unavailable} x 503, ${report.load.connectionErrors} dropped connections, ` +
        `${report.auctionsEnded} auctions ended, ${report.websocket.resumes} WebSocket resumes, ` +
        `${report.notifications.expected} notification causes checked, ` +
        `a sale of ${report.sale?.lots} lots (${report.sale?.extended} extended, ${report.sale?.closed} closed), ` +
        `${report.whoMayBid.cancellations} cancellations ${JSON.stringify(report.whoMayBid.byStatus)}, a bidder suspended at ${report.whoMayBid.suspendedAt}, ` +
        `${report.afterHammer.invoices} invoices (${report.afterHammer.overdue} overdue, ${report.afterHammer.secondChances} second chances, ${report.afterHammer.offersAccepted} offers accepted)`,
    );
    expect(report.faults).toHaveLength(8);
    expect(report.auctionsEnded).toBeGreaterThan(0);
    expect(report.websocket.resumes).toBeGreaterThan(0);
    expect({ broken: brokenPromises(report), differences: report.differences }).toEqual({
      broken: [],
      differences: [],
    });
  }, 180_000);
});
