import type { RequestHandler } from 'express';
import { apiRouter, type DocumentedRouter } from '../../../platform';
import type { CommandHandler } from '../commandHandler';
import { cancelAuction, cancelAuctionSpec } from './cancelAuctionRoute';
import { createAuction, createAuctionSpec } from './createAuctionRoute';
import { idempotencyKeyHeader } from './idempotency';
import type { PlaceBid } from './placeBid';
import { placeBidRoute, placeBidSpec } from './placeBidRoute';

export { commandProblem, commandProblemMembers } from './commandProblem';
export * from './commandSchemas';
export { getPlaceBid, type PlaceBid } from './placeBid';

interface Deps {
  handler: CommandHandler;
  /** The one bid pipeline (the fast lane calls it too). */
  placeBid: PlaceBid;
  requireAuth: RequestHandler;
  /** Per-user limit on bids (429 with Retry-After). */
  bidRateLimit?: RequestHandler;
  clock?: () => Date;
}

/** POST /auctions, POST /auctions/:id/bids, POST /auctions/:id/cancel: one file each beside this one. */
export function commandRoutes({
  handler,
  placeBid,
  requireAuth,
  bidRateLimit,
  clock = () => new Date(),
}: Deps): DocumentedRouter {
  const { router, route } = apiRouter();
  const common = { tag: 'Commands', headers: [idempotencyKeyHeader], guards: [requireAuth] };
  route({ ...common, ...createAuctionSpec }, createAuction(handler, clock));
  route(
    { ...common, ...placeBidSpec, guards: [requireAuth, ...(bidRateLimit ? [bidRateLimit] : [])] },
    placeBidRoute(placeBid),
  );
  route({ ...common, ...cancelAuctionSpec }, cancelAuction(handler, clock));
  return router;
}
