import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Metrics } from './metrics';
import { fastLanes } from './fastLanes';
import {
  API_SECURITY_HEADERS,
  requestIdOf,
  routeOf,
  safePath,
  type FastLane,
  type NodeHandler,
} from './requestBasics';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

export interface HttpShellOptions {
  logger: Logger;
  metrics: Metrics;
  corsOrigins: string[] | '*';
  /** Fields a request's log line gets from its path (the domain's ids, say); none by default. */
  logFieldsOf?(path: string): Record<string, string>;
}

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

// express rewrites req.url inside mounted routers; the log names what the client asked for.
const originalUrl = (req: IncomingMessage) => (req as { originalUrl?: string }).originalUrl ?? req.url;

/** One structured log line per request: an id, the method, the path, the peer, the status. */
function requestLoggerOf(options: HttpShellOptions, logFieldsOf: (path: string) => Record<string, string>) {
  return pinoHttp({
    logger: options.logger,
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
}

const corsOf = (corsOrigins: string[] | '*') =>
  cors({
    origin: corsOrigins === '*' ? '*' : corsOrigins,
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

/**
 * What every request gets, whichever path answers it (the hot route or express): a request id
 * (the client's `X-Request-Id` when well-formed), one structured log line, security headers,
 * CORS, and the HTTP duration metric. Headers and bodies are never logged: they carry tokens
 * and passwords.
 */
export function httpShell(options: HttpShellOptions) {
  const logFieldsOf = options.logFieldsOf ?? (() => ({}));
  const requestLogger = requestLoggerOf(options, logFieldsOf);
  const corsHeaders = corsOf(options.corsOrigins);
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
  const fast = (lanes: FastLane[], rest: NodeHandler): NodeHandler =>
    fastLanes({ ...options, logFieldsOf, corsEnabled, wrap }, lanes, rest);
  return { wrap, fast };
}
