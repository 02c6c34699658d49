import express, { Router } from 'express';
import type { Logger } from 'pino';
import { errorHandler, notFoundHandler } from './problem';

export interface HttpAppOptions {
  logger: Logger;
  routers: Router[];
}

export const BODY_LIMIT = '64kb';

/** The express shell: body parsing with the contract's limit, the routers, problem+json errors. */
export function createHttpApp({ logger, routers }: HttpAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  for (const router of routers) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler((error) => logger.error({ err: error }, 'unhandled error in request')));
  return app;
}
