import { Router, type RequestHandler } from 'express';
import { ProblemError, validateQuery, validationProblem } from '../platform';
import type { AuctionView } from '../projections';
import { decodeCursor, type AuctionQueries } from './auctionQueries';
import { awaitReadModel } from './consistency';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const listAuctionsQuerySchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['scheduled', 'open', 'closed', 'cancelled'] },
    sellerId: { type: 'string', format: 'uuid' },
    sort: { type: 'string', enum: ['endingSoon', 'newest'], default: 'endingSoon' },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', minLength: 1, maxLength: 200 },
  },
  additionalProperties: false,
} as const;

export const listBidsQuerySchema = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
    cursor: { type: 'string', pattern: '^[0-9]{1,15}$' },
  },
  additionalProperties: false,
} as const;

export const emptyQuerySchema = { type: 'object', additionalProperties: false } as const;

export function auctionIdOf(id: string): string {
  if (!UUID.test(id))
    throw new ProblemError(404, 'AUCTION_NOT_FOUND', 'Auction not found', 'No such auction');
  return id.toLowerCase();
}

interface Deps {
  queries: AuctionQueries;
  /** The hot route's Redis view; undefined when Redis does not have it. */
  redisView(
    auctionId: string,
    viewerId: string | undefined,
    now: number,
  ): Promise<string | AuctionView | undefined>;
  postgresPosition(): Promise<string | undefined>;
  redisPosition(): Promise<string | undefined>;
  optionalAuth: RequestHandler;
  requireAuth: RequestHandler;
  clock?: () => Date;
}

/** GET /auctions, /auctions/:id, /auctions/:id/bids, /me/bids. */
export function queryRoutes(deps: Deps): Router {
  const { queries, optionalAuth, requireAuth } = deps;
  const clock = deps.clock ?? (() => new Date());
  const router = Router();

  router.get('/auctions', optionalAuth, validateQuery(listAuctionsQuerySchema), async (req, res) => {
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
  });

  router.get('/auctions/:id', optionalAuth, validateQuery(emptyQuerySchema), async (req, res) => {
    const auctionId = auctionIdOf(String(req.params.id));
    const now = clock();
    // The hot path: Redis, unless Redis is behind what the client needs or lost the view.
    try {
      await awaitReadModel(req, res, deps.redisPosition);
      const view = await deps.redisView(auctionId, req.auth?.userId, now.getTime());
      if (typeof view === 'string') return void res.type('application/json').send(view);
      if (view) return void res.json(view);
    } catch (error) {
      // Redis lagging or unreachable: PostgreSQL answers. A bad header stays a 400.
      if (error instanceof ProblemError && error.code === 'VALIDATION_FAILED') throw error;
    }
    await awaitReadModel(req, res, deps.postgresPosition);
    const view = await queries.get(auctionId, req.auth?.userId, now);
    if (!view) throw new ProblemError(404, 'AUCTION_NOT_FOUND', 'Auction not found', 'No such auction');
    res.json(view);
  });

  router.get('/auctions/:id/bids', validateQuery(listBidsQuerySchema), async (req, res) => {
    const auctionId = auctionIdOf(String(req.params.id));
    const q = res.locals.query as { limit: number; cursor?: string };
    await awaitReadModel(req, res, deps.postgresPosition);
    if (!(await queries.exists(auctionId)))
      throw new ProblemError(404, 'AUCTION_NOT_FOUND', 'Auction not found', 'No such auction');
    res.json(await queries.bids(auctionId, q.limit, q.cursor === undefined ? undefined : Number(q.cursor)));
  });

  router.get('/me/bids', requireAuth, validateQuery(emptyQuerySchema), async (req, res) => {
    await awaitReadModel(req, res, deps.postgresPosition);
    res.json({ items: await queries.myBids(req.auth!.userId, clock()) });
  });

  return router;
}
