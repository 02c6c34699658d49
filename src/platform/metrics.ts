import { noQuerySchema } from './validation';
import {
  AggregatorRegistry,
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';
import { timingSafeEqual } from 'node:crypto';
import { apiRouter, describeGuard, type DocumentedRouter } from './apiRouter';
import { ProblemError } from './problem';
import { getWindowQuantiles, type WindowQuantiles } from './windowQuantiles';

export type MetricsSnapshot = Array<MetricObjectWithValues<MetricValue<string>>>;

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const LAG_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.5, 1, 2, 5, 10];

/** How far the read models are behind, how big their batches are, and where they hold. */
const projectionMetrics = (registry: Registry) => ({
  projectionLag: new Histogram({
    name: 'projection_lag_seconds',
    help: 'Time from an event being recorded to its batch being committed in a read model',
    labelNames: ['projection'],
    buckets: LAG_BUCKETS,
    registers: [registry],
  }),
  projectionFailures: new Counter({
    name: 'projection_failures_total',
    help: 'Attempts at an event a projection could not apply (it holds there and retries; alert on any increase)',
    labelNames: ['projection'],
    registers: [registry],
  }),
  projectionRestarts: new Counter({
    name: 'projection_restarts_total',
    help: 'Runs of a projection ended and started again from its stored checkpoint (checkpoint_moved: another writer, or a lost checkpoint; lease_lost; transient), each replaying what followed it',
    labelNames: ['projection', 'reason'],
    registers: [registry],
  }),
  projectionBatchEvents: new Histogram({
    name: 'projection_batch_events',
    help: 'Events per batch a projection committed (larger under load: fewer statements per event)',
    labelNames: ['projection'],
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [registry],
  }),
  projectionLagQuantiles: projectionLagQuantiles(registry),
});

/** Commands and HTTP requests: durations, the fast lanes, rate limits. */
const requestMetrics = (registry: Registry) => ({
  commandDuration: new Histogram({
    name: 'command_duration_seconds',
    help: 'Time to answer a command, by type and outcome (accepted or the refusal code)',
    labelNames: ['command', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  httpDuration: new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  fastLaneRequests: new Counter({
    name: 'http_fast_lane_requests_total',
    help: 'Requests answered in front of express by a fast lane (the hot GET, a bid), by method and route',
    labelNames: ['method', 'route'],
    registers: [registry],
  }),
  rateLimited: new Counter({
    name: 'rate_limited_total',
    help: 'Requests refused with 429, by limit',
    labelNames: ['limit'],
    registers: [registry],
  }),
});

/** The WebSocket gateway's connections and messages. */
const websocketMetrics = (registry: Registry) => ({
  websocketConnections: new Gauge({
    name: 'websocket_connections',
    help: 'Open WebSocket connections',
    registers: [registry],
  }),
  websocketMessages: new Counter({
    name: 'websocket_messages_total',
    help: 'WebSocket messages, by direction (in: from clients, out: to clients)',
    labelNames: ['direction'],
    registers: [registry],
  }),
});

/**
 * The process's Prometheus registry and the metrics every module reports into. Event loop lag
 * comes with the default metrics (`nodejs_eventloop_lag_*`). A worker thread's registry leaves
 * the process metrics out (the main thread reports them once for the whole process) and is
 * added to the main one's answer as a `source`.
 */
export function createMetrics({ processMetrics = true } = {}) {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const sources: Array<() => Promise<MetricsSnapshot>> = [];
  return {
    registry,
    /** Other registries of this process (a worker thread's), summed into /metrics. */
    addSource: (source: () => Promise<MetricsSnapshot>) => void sources.push(source),
    /** The Prometheus text of this registry and every source. */
    async text(): Promise<string> {
      if (sources.length === 0) return registry.metrics();
      const snapshots = await Promise.all([registry.getMetricsAsJSON(), ...sources.map((s) => s())]);
      return AggregatorRegistry.aggregate(snapshots as MetricsSnapshot[]).metrics();
    },
    ...projectionMetrics(registry),
    ...requestMetrics(registry),
    ...websocketMetrics(registry),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const LAG_QUANTILES = [0.5, 0.9, 0.99];

/**
 * `projection_lag_quantiles_seconds`: p50/p90/p99 of each projection's lag over the last minute,
 * worked out at each scrape from a window of counts (windowQuantiles.ts). A gauge by type: a
 * Summary would insert every event's lag into a t-digest per age bucket.
 */
function projectionLagQuantiles(registry: Registry) {
  const windows = new Map<string, WindowQuantiles>();
  new Gauge({
    name: 'projection_lag_quantiles_seconds',
    help: 'Quantiles of projection lag over the last minute (to the millisecond)',
    labelNames: ['projection', 'quantile'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [projection, window] of windows) {
        window.quantiles(LAG_QUANTILES).forEach((ms, i) => {
          if (ms !== undefined) this.set({ projection, quantile: String(LAG_QUANTILES[i]) }, ms / 1000);
        });
      }
    },
  });
  return {
    /** Records each event's lag (ms) of a batch `projection` committed. */
    observe(projection: string, lagsMs: number[]) {
      let window = windows.get(projection);
      if (!window) windows.set(projection, (window = getWindowQuantiles()));
      for (const ms of lagsMs) window.observe(ms);
    },
  };
}

export function metricsRoutes(metrics: Metrics, token?: string): DocumentedRouter {
  const { router, route } = apiRouter();
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  // Compared in constant time: the token guards what the process reveals of its load.
  const metricsToken = describeGuard(
    (req, res, next) => {
      if (!expected) return next();
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      next(
        new ProblemError(
          401,
          'UNAUTHORIZED',
          'Unauthorized',
          'GET /metrics needs the METRICS_TOKEN as a bearer token',
        ),
      );
    },
    { auth: 'optional' },
  );
  route(
    {
      tag: 'Operations',
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      query: noQuerySchema,
      summary: 'Prometheus metrics',
      description:
        'Prometheus metrics: command durations and outcomes, bids, HTTP durations, rate limits, WebSocket connections and messages, projection lag and failures, close delay, event-loop lag. Reach it from the private network only; where METRICS_TOKEN is set it needs `Authorization: Bearer <METRICS_TOKEN>` (a token of its own, not a user JWT).',
      guards: [metricsToken],
      responses: {
        200: { description: 'Prometheus text format', contentType: 'text/plain', schema: { type: 'string' } },
      },
    },
    async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.text());
    },
  );
  return router;
}
