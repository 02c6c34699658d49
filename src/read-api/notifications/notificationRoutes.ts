import { decodeNotificationCursor } from '../../notifications';
import { auctionViewSchema } from '../../auction';
import type { RequestHandler } from 'express';
import { apiRouter, validationProblem, type DocumentedRouter } from '../../platform';
import { awaitReadModel, readModelDocs } from '../consistency';
import { decodeWatchCursor, type NotificationQueries } from './notificationQueries';

export const NOTIFICATION_KINDS = [
  'outbid',
  'won',
  'lost',
  'ending_soon',
  'cancelled',
  'bid_cancelled',
  'leading_again',
  'offer_received',
  'offer_expired',
] as const;

export const notificationSchema = {
  type: 'object',
  properties: {
    notificationId: { type: 'string', format: 'uuid' },
    kind: { type: 'string', enum: NOTIFICATION_KINDS },
    auctionId: { type: 'string', format: 'uuid' },
    auction: auctionViewSchema,
    at: { type: 'string', format: 'date-time' },
    cursor: {
      type: 'string',
      description: 'Resume after this notification: `after` here or on the `me` channel',
    },
  },
  required: ['notificationId', 'kind', 'auctionId', 'auction', 'at', 'cursor'],
  additionalProperties: false,
} as const;

const cursorSchema = { type: ['string', 'null'] } as const;
export const notificationPageSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: notificationSchema }, nextCursor: cursorSchema },
  required: ['items', 'nextCursor'],
} as const;
export const watchlistPageSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: auctionViewSchema }, nextCursor: cursorSchema },
  required: ['items', 'nextCursor'],
} as const;

const pageQuery = (cursorName: 'cursor' | 'after', limit: number) =>
  ({
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 100, default: limit },
      [cursorName]: { type: 'string', minLength: 1, maxLength: 200 },
    },
    additionalProperties: false,
  }) as const;

/** GET /me/watchlist and /me/notifications: the caller's own, never anyone else's. */
export function notificationRoutes(deps: {
  queries: NotificationQueries;
  requireAuth: RequestHandler;
  clock?: () => Date;
}): DocumentedRouter {
  const { queries } = deps;
  const clock = deps.clock ?? (() => new Date());
  const { router, route } = apiRouter();
  const common = {
    tag: 'Watching',
    method: 'get' as const,
    guards: [deps.requireAuth],
    headers: readModelDocs.headers,
    problems: readModelDocs.problems,
  };
  const ok = (description: string, schema: object) => ({
    200: { description, schema, headers: readModelDocs.responseHeaders },
  });

  route(
    {
      ...common,
      path: '/me/watchlist',
      operationId: 'listMyWatchlist',
      summary: 'The auctions I watch',
      description: 'The auctions the caller watches, the latest watched first, each as it stands now.',
      query: pageQuery('cursor', 20),
      responses: ok('A page of watched auctions', watchlistPageSchema),
    },
    async (req, res) => {
      const q = res.locals.query as { limit: number; cursor?: string };
      const cursor = q.cursor === undefined ? undefined : decodeWatchCursor(q.cursor);
      if (q.cursor !== undefined && !cursor)
        throw validationProblem([{ field: 'query.cursor', message: 'is not a cursor from this list' }]);
      await awaitReadModel(req, res, queries.position);
      res.json(await queries.watchlist(req.auth!.userId, clock(), q.limit, cursor));
    },
  );

  route(
    {
      ...common,
      path: '/me/notifications',
      operationId: 'listMyNotifications',
      summary: 'My notifications, oldest first',
      description:
        "The caller's notifications after `after` (a notification's or a page's cursor), oldest first: outbid, won, lost, ending_soon, cancelled. `nextCursor` is where to continue (or poll) from; it is null only when there is nothing at all yet.",
      query: pageQuery('after', 50),
      responses: ok('A page of notifications', notificationPageSchema),
    },
    async (req, res) => {
      const q = res.locals.query as { limit: number; after?: string };
      const afterSeq = q.after === undefined ? undefined : decodeNotificationCursor(q.after);
      if (q.after !== undefined && !afterSeq)
        throw validationProblem([{ field: 'query.after', message: 'is not a notification cursor' }]);
      await awaitReadModel(req, res, queries.position);
      const page = await queries.notifications(req.auth!.userId, afterSeq, q.limit);
      res.json({ items: page.items, nextCursor: page.items.at(-1)?.cursor ?? q.after ?? null });
    },
  );
  return router;
}
