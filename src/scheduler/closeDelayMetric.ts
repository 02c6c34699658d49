import { Histogram, type Registry } from 'prom-client';

/** `auction_close_delay_seconds`: from an auction's end to its AuctionClosed, in a registry. */
export const closeDelayMetric = (registry: Registry) =>
  new Histogram({
    name: 'auction_close_delay_seconds',
    help: "Time from an auction's end to its AuctionClosed",
    buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
