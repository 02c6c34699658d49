import { auctionViewSchema, type AuctionView } from '../../auction';
import type { Request, RequestHandler, Response } from 'express';
import {
  apiRouter,
  etagOf,
  noQuerySchema,
  notModified,
  validationProblem,
  type DocumentedRouter,
  type RouteSpec,
} from '../../platform';
import { renderStoredView } from '../../projections';
import { decodeCursor } from './auctionQueries';
import { awaitReadModel, backOff, minPositionOf, reached, readModelDocs } from '../consistency';
import { auctionIdParam, auctionNotFound, notFound, ok, type QueryDeps } from '../queryCommon';
import { auctionListSchema, listAuctionsQuerySchema } from './querySchemas';

/**
 * The view with an ETag of its bytes (they change with the revision, the time-dependent status
 * and who views it); `If-None-Match` with that tag answers 304.
 */
function sendView(req: Request, res: Response, view: string | AuctionView) {
  const body = typeof view === 'string' ? view : JSON.stringify(view);
  const etag = etagOf(body);
  res.setHeader('ETag', etag);
  // Cache-Control and Vary: Authorization as every read (revalidate in httpApp.ts): private when asked with a token.
  if (notModified(req.headers, etag)) return void res.status(304).end();
  res.type('application/json').send(body);
}

const listAuctionsSpec = {
  method: 'get',
  path: '/auctions',
  operationId: 'listAuctions',
  summary: 'List auctions',
  description:
    'Auctions from the PostgreSQL read model, filtered by status and seller, sorted ending soonest or newest first, a page at a time (`nextCursor`).',
  query: listAuctionsQuerySchema,
  responses: ok('A page of auctions', auctionListSchema),
  problems: readModelDocs.problems,
} satisfies Omit<RouteSpec, 'tag' | 'guards'>;

const listAuctions =
  (deps: QueryDeps, clock: () => Date): RequestHandler =>
  async (req, res) => {
    const q = res.locals.query as {
      status?: AuctionView['status'];
      sellerId?: string;
      sort: 'endingSoon' | 'newest';
      limit: number;
      cursor?: string;
    };
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !cursor)
      throw validationProblem([{ field: 'query.cursor', message: 'is not a cursor from this list' }]);
    await awaitReadModel(req, res, deps.postgresPosition);
    res.json(
      await deps.queries.list(
        { ...q, sellerId: q.sellerId?.toLowerCase(), cursor },
        req.auth?.userId,
        clock(),
      ),
    );
  };

const getAuctionSpec = {
  method: 'get',
  path: '/auctions/:id',
  operationId: 'getAuction',
  summary: 'One auction (the hot path, served from memory or Redis)',
  description:
    'The hot path, answered from memory or Redis (PostgreSQL when Redis lags or is away). The reserve is shown only to the seller and `myMaxAmount` only to the leader; the ETag changes with the revision and with who views it, and `If-None-Match` with it answers 304.',
  query: noQuerySchema,
  headers: [
    ...readModelDocs.headers,
    {
      name: 'If-None-Match',
      description: 'The ETag of a view you hold: 304 while it is still current',
      schema: { type: 'string' },
    },
  ],
  responses: {
    200: {
      description: 'The auction',
      schema: auctionViewSchema,
      headers: {
        ...readModelDocs.responseHeaders,
        ETag: 'Changes with the revision, the time-dependent status and who views it',
      },
    },
    304: { description: 'Not modified: the If-None-Match tag is still current' },
  },
  problems: { ...notFound, ...readModelDocs.problems },
} satisfies Omit<RouteSpec, 'tag' | 'guards'>;

// The hot path: this process's memory (kept current by the change feed), else one Redis
// round trip, else PostgreSQL when Redis is behind what the client needs, lost it, or is away.
// Whichever model first reaches the client's X-Min-Position answers, within one 5 s bound.
const getAuction =
  (deps: QueryDeps, clock: () => Date): RequestHandler =>
  async (req, res) => {
    const auctionId = auctionIdParam(String(req.params.id));
    const minPosition = minPositionOf(req);
    const now = clock().getTime();
    const viewer = req.auth?.userId;
    const hot = deps.hot.get(auctionId, now);
    if (hot && reached(hot.position, minPosition)) {
      res.setHeader('X-Projection-Position', hot.position);
      return sendView(req, res, renderStoredView(hot.view, viewer, now));
    }
    const wait = backOff(res);
    for (;;) {
      const fromRedis = await deps.redis.fetch(auctionId).catch(() => undefined); // away: PostgreSQL answers
      const redisReached = fromRedis?.checkpoint !== undefined && reached(fromRedis.checkpoint, minPosition);
      if (fromRedis?.view && redisReached) {
        deps.hot.set(auctionId, { ...fromRedis.view, position: fromRedis.checkpoint! }, now);
        res.setHeader('X-Projection-Position', fromRedis.checkpoint!);
        return sendView(req, res, renderStoredView(fromRedis.view, viewer, now));
      }
      const position = await deps.postgresPosition();
      if (reached(position, minPosition)) {
        const view = await deps.queries.get(auctionId, viewer, new Date(now));
        res.setHeader('X-Projection-Position', position ?? '');
        if (view) return sendView(req, res, view);
        // Redis has no view either, or it would have answered: neither model knows the auction.
        throw auctionNotFound();
      }
      if (redisReached) {
        res.setHeader('X-Projection-Position', fromRedis.checkpoint!);
        throw auctionNotFound();
      }
      await wait();
    }
  };

export function queryRoutes(deps: QueryDeps): DocumentedRouter {
  const clock = deps.clock ?? (() => new Date());
  const { router, route } = apiRouter();
  const common = { tag: 'Auctions', headers: readModelDocs.headers, guards: [deps.optionalAuth] };
  route({ ...common, ...listAuctionsSpec }, listAuctions(deps, clock));
  route({ ...common, ...getAuctionSpec }, getAuction(deps, clock));
  return router;
}
