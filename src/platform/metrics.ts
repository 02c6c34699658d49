import { Router } from 'express';
import { collectDefaultMetrics, Histogram, Registry, Summary } from 'prom-client';

/** The process's Prometheus registry and the metrics every module reports into. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const lagBuckets = [0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.5, 1, 2, 5, 10];
  return {
    registry,
    projectionLag: new Histogram({
      name: 'projection_lag_seconds',
      help: 'Time from an event being recorded to its batch being committed in a read model',
      labelNames: ['projection'],
      buckets: lagBuckets,
      registers: [registry],
    }),
    closeDelay: new Histogram({
      name: 'auction_close_delay_seconds',
      help: "Time from an auction's end to its AuctionClosed",
      buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    projectionLagSummary: new Summary({
      name: 'projection_lag_quantiles_seconds',
      help: 'Quantiles of projection lag over the last minute',
      labelNames: ['projection'],
      percentiles: [0.5, 0.9, 0.99],
      maxAgeSeconds: 60,
      ageBuckets: 6,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

export function metricsRoutes(metrics: Metrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
