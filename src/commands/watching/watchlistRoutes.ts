import type { RequestHandler } from 'express';
import { apiRouter, ProblemError, type DocumentedRouter, type RouteSpec } from '../../platform';
import type { WatchCommand } from '../../watching';
import { WatchedAuctionNotFoundError, type WatchlistCommands } from './watchlistCommands';
import { commandProblem } from '../auction/http/commandProblem';

const eventPositionHeader = {
  'X-Event-Position':
    "Where the caller's stream stands after the request: send it as X-Min-Position to read the watchlist with it",
};

/** PUT and DELETE /me/watchlist/:auctionId: idempotent, recorded in the caller's stream. */
export function watchlistCommandRoutes(deps: {
  commands: WatchlistCommands;
  requireAuth: RequestHandler;
  clock?: () => Date;
}): DocumentedRouter {
  const clock = deps.clock ?? (() => new Date());
  const { router, route } = apiRouter();
  const common = {
    tag: 'Watching',
    path: '/me/watchlist/:auctionId',
    guards: [deps.requireAuth],
    params: { auctionId: { type: 'string', format: 'uuid' } },
  };

  const run =
    (type: WatchCommand['type']): RequestHandler =>
    async (req, res) => {
      const auctionId = String(req.params.auctionId).toLowerCase();
      try {
        const reply = await deps.commands.execute(req.auth!.userId, {
          type,
          data: { auctionId },
          now: clock(),
        });
        if (reply.position) res.setHeader('X-Event-Position', reply.position);
        res.status(204).end();
      } catch (error) {
        if (error instanceof WatchedAuctionNotFoundError)
          throw new ProblemError(404, error.code, 'Auction not found', error.message);
        throw commandProblem(error);
      }
    };

  route(
    {
      ...common,
      method: 'put' as RouteSpec['method'],
      operationId: 'watchAuction',
      summary: 'Watch an auction',
      description:
        "Adds the auction to the caller's watchlist: they are told when it ends soon and when it is cancelled. Idempotent: watching an auction already watched records nothing and answers the same.",
      responses: { 204: { description: 'Watched', headers: eventPositionHeader } },
      problems: { 404: ['AUCTION_NOT_FOUND'], 503: ['BUSY'] },
    },
    run('WatchAuction'),
  );
  route(
    {
      ...common,
      method: 'delete' as RouteSpec['method'],
      operationId: 'unwatchAuction',
      summary: 'Stop watching an auction',
      description:
        "Takes the auction off the caller's watchlist. Idempotent: an auction not watched (or unknown) answers the same.",
      responses: { 204: { description: 'Not watched', headers: eventPositionHeader } },
      problems: { 503: ['BUSY'] },
    },
    run('UnwatchAuction'),
  );
  return router;
}
