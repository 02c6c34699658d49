import type { RequestHandler, Response } from 'express';
import {
  ProblemError,
  apiRouter,
  noQuerySchema,
  validationProblem,
  type DocumentedRouter,
  type RouteSpec,
} from '../../platform';
import { decodeCursor } from './auctionQueries';
import { awaitPosition, awaitReadModel, reached, readModelDocs } from '../consistency';
import { auctionIdParam, auctionNotFound, notFound, ok, type QueryDeps } from '../queryCommon';
import {
  bidListSchema,
  bidSchema,
  listBidsQuerySchema,
  myBidsQuerySchema,
  myBidsSchema,
} from './querySchemas';

type Clock = () => Date;

/**
 * PostgreSQL's answer on an auction it does not show yet: when the Redis model (further along)
 * shows it, wait for PostgreSQL to get there rather than answer a 404 the client just saw
 * disproved on another route.
 */
const auctionInPostgres =
  (deps: QueryDeps, clock: Clock) =>
  async (res: Response, auctionId: string, position: string | undefined) => {
    if (await deps.queries.exists(auctionId)) return;
    const hot = deps.hot.get(auctionId, clock().getTime());
    const fromRedis = hot ? undefined : await deps.redis.fetch(auctionId).catch(() => undefined);
    const shownAt = hot?.position ?? (fromRedis?.view ? fromRedis.checkpoint : undefined);
    if (!shownAt || reached(position, shownAt)) throw auctionNotFound();
    await awaitPosition(res, deps.postgresPosition, shownAt);
    if (!(await deps.queries.exists(auctionId))) throw auctionNotFound();
  };

const listBidsSpec = {
  method: 'get',
  path: '/auctions/:id/bids',
  operationId: 'listBids',
  summary: "An auction's bids, newest first",
  description:
    "The auction's bids, newest first, a page at a time. A leader raising their own ceiling is not a bid and never appears here.",
  query: listBidsQuerySchema,
  responses: ok('A page of bids', bidListSchema),
  problems: { ...notFound, ...readModelDocs.problems },
} satisfies Omit<RouteSpec, 'tag'>;

const listBids =
  (deps: QueryDeps, clock: Clock): RequestHandler =>
  async (req, res) => {
    const auctionId = auctionIdParam(String(req.params.id));
    const q = res.locals.query as { limit: number; cursor?: string };
    const position = await awaitReadModel(req, res, deps.postgresPosition);
    await auctionInPostgres(deps, clock)(res, auctionId, position);
    res.json(
      await deps.queries.bids(auctionId, q.limit, q.cursor === undefined ? undefined : Number(q.cursor)),
    );
  };

const getBidSpec = {
  method: 'get',
  path: '/auctions/:id/bids/:bidId',
  operationId: 'getBid',
  summary: 'One bid (the Location of a bid reply)',
  description:
    'One bid, as the `Location` of a bid reply names it. A bid the log has but the read model does not show yet is waited for (at most 5 s).',
  query: noQuerySchema,
  responses: ok('The bid', bidSchema),
  problems: { 404: ['AUCTION_NOT_FOUND', 'BID_NOT_FOUND'], ...readModelDocs.problems },
} satisfies Omit<RouteSpec, 'tag'>;

const getBid =
  (deps: QueryDeps, clock: Clock): RequestHandler =>
  async (req, res) => {
    const auctionId = auctionIdParam(String(req.params.id));
    const bidId = String(req.params.bidId).toLowerCase();
    const position = await awaitReadModel(req, res, deps.postgresPosition);
    let bid = await deps.queries.bid(auctionId, bidId);
    if (!bid) {
      // Just placed (a client following the Location of its 201): wait for the read model to
      // reach it rather than deny a bid the client was just told about.
      const recordedAt = await deps.bidPosition(auctionId, bidId);
      if (recordedAt && !reached(position, recordedAt)) {
        await awaitPosition(res, deps.postgresPosition, recordedAt);
        bid = await deps.queries.bid(auctionId, bidId);
      }
    }
    if (!bid) {
      await auctionInPostgres(deps, clock)(res, auctionId, position);
      throw new ProblemError(404, 'BID_NOT_FOUND', 'Bid not found', 'The auction has no such bid');
    }
    res.json(bid);
  };

const myBidsSpec = {
  tag: 'Accounts',
  method: 'get',
  path: '/me/bids',
  operationId: 'listMyBids',
  summary: 'The auctions I bid in: leading, outbid, won or lost',
  description:
    'The auctions the caller bid in, the latest bid first, with where they stand: leading, outbid, won or lost, and their own ceiling while they lead.',
  query: myBidsQuerySchema,
  responses: ok('A page of my auctions', myBidsSchema),
  problems: readModelDocs.problems,
} satisfies Omit<RouteSpec, 'guards'>;

const myBids =
  (deps: QueryDeps, clock: Clock): RequestHandler =>
  async (req, res) => {
    const q = res.locals.query as { limit: number; cursor?: string };
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !cursor)
      throw validationProblem([{ field: 'query.cursor', message: 'is not a cursor from this list' }]);
    await awaitReadModel(req, res, deps.postgresPosition);
    res.json(await deps.queries.myBids(req.auth!.userId, clock(), { limit: q.limit, cursor }));
  };

/** GET /auctions/:id/bids, /auctions/:id/bids/:bidId and /me/bids: PostgreSQL's bid tables. */
export function bidQueryRoutes(deps: QueryDeps): DocumentedRouter {
  const clock = deps.clock ?? (() => new Date());
  const { router, route } = apiRouter();
  const common = { tag: 'Auctions', headers: readModelDocs.headers };
  route({ ...common, ...listBidsSpec }, listBids(deps, clock));
  route({ ...common, ...getBidSpec }, getBid(deps, clock));
  route({ ...common, ...myBidsSpec, guards: [deps.requireAuth] }, myBids(deps, clock));
  return router;
}
