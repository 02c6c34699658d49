import type { RequestHandler } from 'express';
import { apiRouter, ProblemError, type DocumentedRouter, type RouteSpec } from '../../platform';
import type { WatchCommand } from '../../watching';
import { WatchedNotFoundError, type WatchlistCommands } from './watchlistCommands';
import { commandProblem } from '../auction/http/commandProblem';

const eventPositionHeader = {
  'X-Event-Position':
    "Where the caller's stream stands after the request: send it as X-Min-Position to read the watchlist with it",
};
const uuid = { type: 'string', format: 'uuid' } as const;

type Deps = { commands: WatchlistCommands; requireAuth: RequestHandler; clock?: () => Date };

/** The command a request names: what it watches comes from the path. */
const commandOf = (type: WatchCommand['type'], id: string, now: Date): WatchCommand =>
  type === 'WatchSale' || type === 'UnwatchSale'
    ? { type, data: { saleId: id }, now }
    : { type, data: { auctionId: id }, now };

const run =
  (deps: Deps, type: WatchCommand['type'], param: 'auctionId' | 'saleId'): RequestHandler =>
  async (req, res) => {
    const id = String(req.params[param]).toLowerCase();
    try {
      const reply = await deps.commands.execute(
        req.auth!.userId,
        commandOf(type, id, (deps.clock ?? (() => new Date()))()),
      );
      if (reply.position) res.setHeader('X-Event-Position', reply.position);
      res.status(204).end();
    } catch (error) {
      if (error instanceof WatchedNotFoundError)
        throw new ProblemError(
          404,
          error.code,
          error.code === 'SALE_NOT_FOUND' ? 'Sale not found' : 'Auction not found',
          error.message,
        );
      throw commandProblem(error);
    }
  };

const watchSpecs = (what: 'auction' | 'sale') => {
  const Name = what === 'sale' ? 'Sale' : 'Auction';
  const param = what === 'sale' ? 'saleId' : 'auctionId';
  const common = {
    tag: 'Watching',
    path: what === 'sale' ? '/me/watchlist/sales/:saleId' : '/me/watchlist/:auctionId',
    params: { [param]: uuid },
  };
  const told =
    what === 'sale'
      ? 'they are told when each of its lots (those added later too) ends soon and when one is cancelled'
      : 'they are told when it ends soon and when it is cancelled';
  return {
    watch: {
      ...common,
      method: 'put' as RouteSpec['method'],
      operationId: `watch${Name}`,
      summary: `Watch ${what === 'sale' ? 'a sale' : 'an auction'}`,
      description: `Adds the ${what} to the caller's watchlist: ${told}. Idempotent: watching a ${what} already watched records nothing and answers the same.`,
      responses: { 204: { description: 'Watched', headers: eventPositionHeader } },
      problems: { 404: [`${what.toUpperCase()}_NOT_FOUND`], 503: ['BUSY'] },
    },
    unwatch: {
      ...common,
      method: 'delete' as RouteSpec['method'],
      operationId: `unwatch${Name}`,
      summary: `Stop watching ${what === 'sale' ? 'a sale' : 'an auction'}`,
      description: `Takes the ${what} off the caller's watchlist. Idempotent: a ${what} not watched (or unknown) answers the same.`,
      responses: { 204: { description: 'Not watched', headers: eventPositionHeader } },
      problems: { 503: ['BUSY'] },
    },
  };
};

/** PUT and DELETE /me/watchlist/:auctionId and /me/watchlist/sales/:saleId: idempotent, recorded in the caller's stream. */
export function watchlistCommandRoutes(deps: Deps): DocumentedRouter {
  const { router, route } = apiRouter();
  const guards = [deps.requireAuth];
  const auction = watchSpecs('auction');
  const sale = watchSpecs('sale');
  route({ ...auction.watch, guards }, run(deps, 'WatchAuction', 'auctionId'));
  route({ ...auction.unwatch, guards }, run(deps, 'UnwatchAuction', 'auctionId'));
  route({ ...sale.watch, guards }, run(deps, 'WatchSale', 'saleId'));
  route({ ...sale.unwatch, guards }, run(deps, 'UnwatchSale', 'saleId'));
  return router;
}
