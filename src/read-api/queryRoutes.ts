import type { Request, RequestHandler, Response } from 'express';
import {
  ProblemError,
  apiRouter,
  etagOf,
  noQuerySchema,
  notModified,
  validationProblem,
  type DocumentedRouter,
} from '../platform';
import {
  auctionViewSchema,
  renderStoredView,
  type AuctionView,
  type RedisAuctionViews,
} from '../projections';
import { decodeCursor, type AuctionQueries } from './auctionQueries';
import { awaitPosition, awaitReadModel, backOff, minPositionOf, reached, readModelDocs } from './consistency';
import type { HotViews } from './hotViews';
import {
  auctionListSchema,
  bidListSchema,
  bidSchema,
  listAuctionsQuerySchema,
  listBidsQuerySchema,
  myBidsQuerySchema,
  myBidsSchema,
} from './querySchemas';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const notFound = { 404: ['AUCTION_NOT_FOUND'] };
const ok = (description: string, schema: object) => ({
  200: { description, schema, headers: readModelDocs.responseHeaders },
});

/**
 * The view with an ETag of its bytes (they change with the revision, the time-dependent status
 * and who views it); `If-None-Match` with that tag answers 304.
 */
function sendView(req: Request, res: Response, view: string | AuctionView) {
  const body = typeof view === 'string' ? view : JSON.stringify(view);
  const etag = etagOf(body);
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Vary', 'Authorization');
  if (notModified(req.headers, etag)) return void res.status(304).end();
  res.type('application/json').send(body);
}

const auctionNotFound = () =>
  new ProblemError(404, 'AUCTION_NOT_FOUND', 'Auction not found', 'No such auction');

export function auctionIdParam(id: string): string {
  if (!UUID.test(id)) throw auctionNotFound();
  return id.toLowerCase();
}

interface Deps {
  queries: AuctionQueries;
  /** The hot route's views in Redis. */
  redis: RedisAuctionViews;
  hot: HotViews;
  postgresPosition(): Promise<string | undefined>;
  /** Where the log recorded a bid, if it did. */
  bidPosition(auctionId: string, bidId: string): Promise<string | undefined>;
  optionalAuth: RequestHandler;
  requireAuth: RequestHandler;
  clock?: () => Date;
}

/** GET /auctions, /auctions/:id, /auctions/:id/bids, /me/bids. */
export function queryRoutes(deps: Deps): DocumentedRouter {
  const { queries, optionalAuth, requireAuth } = deps;
  const clock = deps.clock ?? (() => new Date());
  const { router, route } = apiRouter();
  const common = { tag: 'Auctions', headers: readModelDocs.headers };

  route(
    {
      ...common,
      method: 'get',
      path: '/auctions',
      operationId: 'listAuctions',
      summary: 'List auctions',
      description:
        'Auctions from the PostgreSQL read model, filtered by status and seller, sorted ending soonest or newest first, a page at a time (`nextCursor`).',
      guards: [optionalAuth],
      query: listAuctionsQuerySchema,
      responses: ok('A page of auctions', auctionListSchema),
      problems: readModelDocs.problems,
    },
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
        await queries.list({ ...q, sellerId: q.sellerId?.toLowerCase(), cursor }, req.auth?.userId, clock()),
      );
    },
  );

  // The hot path: this process's memory (kept current by the change feed), else one Redis
  // round trip, else PostgreSQL when Redis is behind what the client needs, lost it, or is away.
  // Whichever model first reaches the client's X-Min-Position answers, within one 5 s bound.
  route(
    {
      ...common,
      method: 'get',
      path: '/auctions/:id',
      operationId: 'getAuction',
      summary: 'One auction (the hot path, served from memory or Redis)',
      description:
        'The hot path, answered from memory or Redis (PostgreSQL when Redis lags or is away). The reserve is shown only to the seller and `myMaxAmount` only to the leader; the ETag changes with the revision and with who views it, and `If-None-Match` with it answers 304.',
      guards: [optionalAuth],
      query: noQuerySchema,
      headers: [
        ...common.headers,
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
    },
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
        const redisReached =
          fromRedis?.checkpoint !== undefined && reached(fromRedis.checkpoint, minPosition);
        if (fromRedis?.view && redisReached) {
          deps.hot.set(auctionId, { ...fromRedis.view, position: fromRedis.checkpoint! }, now);
          res.setHeader('X-Projection-Position', fromRedis.checkpoint!);
          return sendView(req, res, renderStoredView(fromRedis.view, viewer, now));
        }
        const position = await deps.postgresPosition();
        if (reached(position, minPosition)) {
          const view = await queries.get(auctionId, viewer, new Date(now));
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
    },
  );

  /**
   * PostgreSQL's answer on an auction it does not show yet: when the Redis model (further along)
   * shows it, wait for PostgreSQL to get there rather than answer a 404 the client just saw
   * disproved on another route.
   */
  const awaitAuctionInPostgres = async (res: Response, auctionId: string, position: string | undefined) => {
    if (await queries.exists(auctionId)) return;
    const hot = deps.hot.get(auctionId, clock().getTime());
    const fromRedis = hot ? undefined : await deps.redis.fetch(auctionId).catch(() => undefined);
    const shownAt = hot?.position ?? (fromRedis?.view ? fromRedis.checkpoint : undefined);
    if (!shownAt || reached(position, shownAt)) throw auctionNotFound();
    await awaitPosition(res, deps.postgresPosition, shownAt);
    if (!(await queries.exists(auctionId))) throw auctionNotFound();
  };

  route(
    {
      ...common,
      method: 'get',
      path: '/auctions/:id/bids',
      operationId: 'listBids',
      summary: "An auction's bids, newest first",
      description:
        "The auction's bids, newest first, a page at a time. A leader raising their own ceiling is not a bid and never appears here.",
      query: listBidsQuerySchema,
      responses: ok('A page of bids', bidListSchema),
      problems: { ...notFound, ...readModelDocs.problems },
    },
    async (req, res) => {
      const auctionId = auctionIdParam(String(req.params.id));
      const q = res.locals.query as { limit: number; cursor?: string };
      const position = await awaitReadModel(req, res, deps.postgresPosition);
      await awaitAuctionInPostgres(res, auctionId, position);
      res.json(await queries.bids(auctionId, q.limit, q.cursor === undefined ? undefined : Number(q.cursor)));
    },
  );

  route(
    {
      ...common,
      method: 'get',
      path: '/auctions/:id/bids/:bidId',
      operationId: 'getBid',
      summary: 'One bid (the Location of a bid reply)',
      description:
        'One bid, as the `Location` of a bid reply names it. A bid the log has but the read model does not show yet is waited for (at most 5 s).',
      query: noQuerySchema,
      responses: ok('The bid', bidSchema),
      problems: { 404: ['AUCTION_NOT_FOUND', 'BID_NOT_FOUND'], ...readModelDocs.problems },
    },
    async (req, res) => {
      const auctionId = auctionIdParam(String(req.params.id));
      const bidId = String(req.params.bidId).toLowerCase();
      const position = await awaitReadModel(req, res, deps.postgresPosition);
      let bid = await queries.bid(auctionId, bidId);
      if (!bid) {
        // Just placed (a client following the Location of its 201): wait for the read model to
        // reach it rather than deny a bid the client was just told about.
        const recordedAt = await deps.bidPosition(auctionId, bidId);
        if (recordedAt && !reached(position, recordedAt)) {
          await awaitPosition(res, deps.postgresPosition, recordedAt);
          bid = await queries.bid(auctionId, bidId);
        }
      }
      if (!bid) {
        await awaitAuctionInPostgres(res, auctionId, position);
        throw new ProblemError(404, 'BID_NOT_FOUND', 'Bid not found', 'The auction has no such bid');
      }
      res.json(bid);
    },
  );

  route(
    {
      ...common,
      tag: 'Accounts',
      method: 'get',
      path: '/me/bids',
      operationId: 'listMyBids',
      summary: 'The auctions I bid in: leading, outbid, won or lost',
      description:
        'The auctions the caller bid in, the latest bid first, with where they stand: leading, outbid, won or lost, and their own ceiling while they lead.',
      guards: [requireAuth],
      query: myBidsQuerySchema,
      responses: ok('A page of my auctions', myBidsSchema),
      problems: readModelDocs.problems,
    },
    async (req, res) => {
      const q = res.locals.query as { limit: number; cursor?: string };
      const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      if (q.cursor !== undefined && !cursor)
        throw validationProblem([{ field: 'query.cursor', message: 'is not a cursor from this list' }]);
      await awaitReadModel(req, res, deps.postgresPosition);
      res.json(await queries.myBids(req.auth!.userId, clock(), { limit: q.limit, cursor }));
    },
  );

  return router;
}
