import { Counter } from 'prom-client';
import type { Metrics } from '../platform';

/**
 * What the write side reports into a registry: every command's duration and outcome, and the
 * bids by result and refusal code (`bids_total`). One per registry (the main thread's, the
 * projector thread's).
 */
export function getCommandObserver(metrics: Metrics) {
  const bids = new Counter({
    name: 'bids_total',
    help: 'Bids answered: result accepted or rejected, with the refusal code',
    labelNames: ['result', 'code'],
    registers: [metrics.registry],
  });
  return (command: string, outcome: string, seconds: number) => {
    metrics.commandDuration.observe({ command, outcome }, seconds);
    if (command === 'PlaceBid') {
      const accepted = outcome === 'accepted';
      bids.inc({ result: accepted ? 'accepted' : 'rejected', code: accepted ? '' : outcome });
    }
  };
}
