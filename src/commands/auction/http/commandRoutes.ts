import type { RequestHandler } from 'express';
import type { EventStore } from '../../../events';
import { apiRouter, type BlobStore, type DocumentedRouter } from '../../../platform';
import type { CommandHandler } from '../commandHandler';
import { buyNow, buyNowSpec } from './buyNowRoute';
import { cancelAuction, cancelAuctionSpec } from './cancelAuctionRoute';
import { cancelBidRoute, cancelBidSpec, retractRoute, retractSpec } from './cancelBidRoutes';
import { getCancelBids } from '../cancelBids';
import { createAuction, createAuctionSpec } from './createAuctionRoute';
import { idempotencyKeyHeader } from './idempotency';
import type { EligibilityGate, PlaceBid } from './placeBid';
import { placeBidRoute, placeBidSpec } from './placeBidRoute';
import { addPhoto, addPhotoSpec, removePhoto, removePhotoSpec } from './photoRoutes';

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
  /** Where photos are read from (their auction's stream) and kept (the blob store). */
  photos: { eventStore: EventStore; blobs: BlobStore };
  /** The auctions' streams, read whole by a cancellation. */
  eventStore: EventStore;
  /** Who may bid and buy (the bidders' access index). */
  access?: EligibilityGate;
  clock?: () => Date;
}

/** POST /auctions, its bids, buy it now, its cancel and its photos: one file each beside this one. */
export function commandRoutes({
  handler,
  placeBid,
  requireAuth,
  bidRateLimit,
  photos,
  eventStore,
  access,
  clock = () => new Date(),
}: Deps): DocumentedRouter {
  const { router, route } = apiRouter();
  const common = { tag: 'Commands', headers: [idempotencyKeyHeader], guards: [requireAuth] };
  route({ ...common, ...createAuctionSpec }, createAuction(handler, clock));
  route(
    { ...common, ...placeBidSpec, guards: [requireAuth, ...(bidRateLimit ? [bidRateLimit] : [])] },
    placeBidRoute(placeBid),
  );
  route({ ...common, ...buyNowSpec }, buyNow(handler, clock, access));
  route({ ...common, ...cancelAuctionSpec }, cancelAuction(handler, clock));
  const cancelBids = getCancelBids(eventStore, clock);
  route({ ...common, headers: [], ...cancelBidSpec }, cancelBidRoute(cancelBids));
  route({ ...common, headers: [], ...retractSpec }, retractRoute(cancelBids));
  route({ ...common, ...addPhotoSpec }, addPhoto({ handler, ...photos, clock }));
  route({ ...common, ...removePhotoSpec }, removePhoto({ handler, ...photos, clock }));
  return router;
}
