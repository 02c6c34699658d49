import compression from 'compression';
import express, { Router } from 'express';
import type { Logger } from 'pino';
import { isDocumentedRouter } from './apiRouter';
import { methodSemantics } from './httpSemantics';
import { etagOf } from './etag';
import { parseJsonBody } from './fastBody';
import { errorHandler, notFoundHandler } from './problem';

export interface HttpAppOptions {
  logger: Logger;
  routers: Router[];
  /** How many proxies in front of us set X-Forwarded-For (req.ip, hence per-IP rate limits). */
  trustProxy?: number;
}

/** The largest body any route reads (express.json and the fast lanes alike). */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** The express shell: body parsing with the contract's limit, the routers, problem+json errors. */
export function createHttpApp({ logger, routers, trustProxy = 0 }: HttpAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.set('etag', false); // reads get theirs in revalidate: a command's reply has none
  app.use(revalidate);
  // JSON over 1 KiB (lists, the API documents) and the static files, by gzip or brotli as the
  // client accepts; an event stream (NDJSON export) is flushed as it goes. The fast lanes' replies
  // (one auction, a bid's answer) stay under 1 KiB and are sent as they are.
  // Reads only: a command's reply is small, and answered the same by the fast lane.
  app.use(
    compression({ threshold: 1024, filter: (req, res) => isRead(req) && compression.filter(req, res) }),
  );
  app.use(methodSemantics(routers.flatMap((r) => (isDocumentedRouter(r) ? r.routeSpecs : []))));
  // The text as body-parser reads it (charset, gzip, the limit), parsed as the fast lanes parse it.
  app.use(express.text({ limit: BODY_LIMIT_BYTES, type: ['application/json', 'application/*+json'] }));
  app.use(parseBodyText);
  for (const router of routers) app.use(router);
  app.use(notFoundHandler);
  // req.log (pino-http) carries the request id.
  app.use(
    errorHandler((error, req) => (req.log ?? logger).error({ err: error }, 'unhandled error in request')),
  );
  return app;
}

const parseBodyText: express.RequestHandler = (req, _res, next) => {
  if (typeof req.body !== 'string') return next();
  const parsed = parseJsonBody(req.body as string);
  if ('problem' in parsed) return next(parsed.problem);
  req.body = parsed.body;
  next();
};

const isRead = (req: { method?: string }) => req.method === 'GET' || req.method === 'HEAD';

/**
 * Reads are revalidated, never served stale from a cache: every reply express sends to a GET
 * carries a strong ETag of its bytes (a route may set its own), and express's res.send answers
 * 304 when If-None-Match names it; `no-cache`, and `private` for what belongs to the caller
 * (`/me/*`, anything asked with a token), which a shared cache must not keep.
 */
const revalidate: express.RequestHandler = (req, res, next) => {
  if (isRead(req)) {
    const send = res.send;
    res.send = function (body) {
      if (typeof body === 'string' && !res.hasHeader('ETag')) res.setHeader('ETag', etagOf(body));
      return send.call(this, body);
    };
    const own = req.path === '/me' || req.path.startsWith('/me/') || req.headers.authorization !== undefined;
    res.setHeader('Cache-Control', own ? 'private, no-cache' : 'no-cache');
    res.vary('Authorization');
  }
  next();
};
