import express, { Router } from 'express';
import type { Logger } from 'pino';
import { isDocumentedRouter } from './apiRouter';
import { methodSemantics } from './httpSemantics';
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
  app.set('etag', false);
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
