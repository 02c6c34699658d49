import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Metrics } from './metrics';
import { internalError, writeProblem } from './problem';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;
/**
 * Writes a whole response, with the given headers added; an answer that must wait (for the
 * body, for a command) returns a promise settled once the response is written.
 */
export type FastAnswer = (
  res: ServerResponse,
  headers: Record<string, string | number>,
) => void | Promise<void>;
/** A route outside express: the answer to a request it fully handles, else undefined. */
export type FastRoute = (req: IncomingMessage) => FastAnswer | undefined;
/** A fast route and what the metrics call it. */
export interface FastLane {
  method: string;
  /** The route's label in the metrics, as express names it (`/auctions/:id`). */
  route: string;
  lookup: FastRoute;
}
type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

export interface HttpShellOptions {
  logger: Logger;
  metrics: Metrics;
  corsOrigins: string[] | '*';
  /** Fields a request's log line gets from its path (the domain's ids, say); none by default. */
  logFieldsOf?(path: string): Record<string, string>;
}

/**
 * The headers of every API response (JSON and problems), the OWASP REST set: nothing may frame
 * it or load anything from it, no MIME sniffing, HTTPS from the first visit on, no referrer.
 * Helmet's other headers concern documents (a script policy, the opener, DNS prefetch, old IE
 * and Flash), and the API's responses are not documents: they were about 500 bytes more on every
 * reply, a bid's included, for every client to read.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

/**
 * Helmet's headers for the HTML pages (the live page, Swagger UI, the problem pages), set over
 * the API's: a script and style policy of their own origin, and the document-only headers.
 */
export const documentHeaders = helmet({
  contentSecurityPolicy: {
    // The service is often reached over plain HTTP on a private network or localhost.
    directives: { upgradeInsecureRequests: null },
  },
}) as Middleware;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

// express rewrites req.url inside mounted routers; the log names what the client asked for.
const originalUrl = (req: IncomingMessage) => (req as { originalUrl?: string }).originalUrl ?? req.url;

/** The path without its query string, and never a `token=` (WebSocket and copy-pasted URLs). */
const safePath = (url: string | undefined) => (url ?? '/').split('?')[0]!;

/**
 * What every request gets, whichever path answers it (the hot route or express): a request id
 * (the client's `X-Request-Id` when well-formed), one structured log line, security headers,
 * CORS, and the HTTP duration metric. Headers and bodies are never logged: they carry tokens
 * and passwords.
 */
export function httpShell(options: HttpShellOptions) {
  const { logger } = options;
  const logFieldsOf = options.logFieldsOf ?? (() => ({}));
  const requestLogger = pinoHttp({
    logger,
    genReqId: (req, res) => {
      const id = requestIdOf(req);
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: string; method: string; url: string; raw: IncomingMessage }) => ({
        id: req.id,
        method: req.method,
        path: safePath(req.url),
        remoteAddress: req.raw.socket?.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customProps: (req) => logFieldsOf(safePath(req.url)),
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    customSuccessMessage: (req, res) => `${req.method} ${safePath(originalUrl(req))} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${safePath(originalUrl(req))} ${res.statusCode}`,
  });
  const corsHeaders = cors({
    origin: options.corsOrigins === '*' ? '*' : options.corsOrigins,
    // What a browser client may read of a reply: everything the contract documents.
    exposedHeaders: [
      'Location',
      'ETag',
      'Idempotent-Replayed',
      'X-Projection-Position',
      'X-Event-Position',
      'X-Request-Id',
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'WWW-Authenticate',
    ],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Min-Position', 'X-Request-Id'],
    maxAge: 600,
  }) as Middleware;

  const observe = (req: IncomingMessage, res: ServerResponse, started: bigint) => {
    res.once('finish', () => {
      const route = (req as { route?: { path?: string } }).route?.path ?? routeOf(res);
      options.metrics.httpDuration.observe(
        { method: req.method ?? '', route, status: String(res.statusCode) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
  };

  const corsEnabled = options.corsOrigins.length > 0;
  const wrap =
    (next: NodeHandler): NodeHandler =>
    (req, res) => {
      observe(req, res, process.hrtime.bigint());
      requestLogger(req, res);
      for (const name in API_SECURITY_HEADERS) res.setHeader(name, API_SECURITY_HEADERS[name]!);
      if (!corsEnabled) return next(req, res);
      corsHeaders(req, res, () => next(req, res));
    };

  // The same headers, request id, log line and metric for the hottest routes, without the
  // per-request cost of the middlewares (a child logger, a dozen setHeader calls, label hashing):
  // together they cost two thirds of the hot GET's throughput.
  // The fast lanes' request lines hold only the fields below (an id, the method, the path without
  // its query, the peer's address, the status, the time), never a header or a body: nothing to
  // redact. Without the logger's redaction (wildcard paths, walked on every line) a line costs
  // about half: 5 us against 9.6 us measured, a line per bid at the default level.
  const accessLog = logger.child({}, { redact: { paths: [] } });
  const fast = (lanes: FastLane[], rest: NodeHandler): NodeHandler => {
    const restWrapped = wrap(rest);
    const taken = lanes.map(({ method, route }) => options.metrics.fastLaneRequests.labels(method, route));
    const durations = lanes.map(({ method, route }) => {
      const byStatus = new Map<number, { observe(seconds: number): void }>();
      return (status: number) => {
        let child = byStatus.get(status);
        if (!child) {
          child = options.metrics.httpDuration.labels(method, route, String(status));
          byStatus.set(status, child);
        }
        return child;
      };
    });
    const finish = (req: IncomingMessage, res: ServerResponse, lane: number, id: string, started: bigint) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      durations[lane]!(res.statusCode).observe(ms / 1000);
      // The levels pino-http gives the same lines on the express path.
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      if (!accessLog.isLevelEnabled(level)) return;
      const path = safePath(req.url);
      accessLog[level](
        {
          req: { id, method: req.method, path, remoteAddress: req.socket.remoteAddress },
          ...logFieldsOf(path),
          res: { statusCode: res.statusCode },
          responseTime: Math.round(ms),
        },
        `${req.method} ${path} ${res.statusCode}`,
      );
    };
    /** An answer that failed (a bug): a 500 if nothing was sent yet, else the connection cut. */
    const failed = (res: ServerResponse, error: unknown, headers: Record<string, string>) => {
      logger.error({ err: error, req: { id: headers['X-Request-Id'] } }, 'unhandled error in request');
      if (!res.headersSent) writeProblem(res, internalError(), headers);
      else res.destroy();
    };
    return (req, res) => {
      const started = process.hrtime.bigint();
      let lane = -1;
      let answer: FastAnswer | undefined;
      for (let i = 0; i < lanes.length && !answer; i++) {
        if (req.method !== lanes[i]!.method) continue;
        answer = lanes[i]!.lookup(req);
        lane = i;
      }
      if (!answer) return restWrapped(req, res);
      taken[lane]!.inc();
      // A cross-origin request takes the full shell, which knows CORS (and logs and measures it).
      if (corsEnabled && req.headers.origin !== undefined) {
        markRoute(res, lanes[lane]!.route);
        return wrap((_req, response) => void answer(response, {})?.catch((e) => failed(response, e, {})))(
          req,
          res,
        );
      }
      const id = requestIdOf(req);
      const done = answer(res, { ...API_SECURITY_HEADERS, 'X-Request-Id': id });
      if (!done) return finish(req, res, lane, id, started);
      done.then(
        () => finish(req, res, lane, id, started),
        (error: unknown) => {
          failed(res, error, { ...API_SECURITY_HEADERS, 'X-Request-Id': id });
          finish(req, res, lane, id, started);
        },
      );
    };
  };
  return { wrap, fast };
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

const ROUTE = Symbol('route');

/** Lets a handler outside express name its route for the metrics. */
export function markRoute(res: ServerResponse, route: string) {
  (res as ServerResponse & { [ROUTE]?: string })[ROUTE] = route;
}

const routeOf = (res: ServerResponse) => (res as ServerResponse & { [ROUTE]?: string })[ROUTE] ?? 'unmatched';
