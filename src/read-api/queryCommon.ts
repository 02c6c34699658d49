import type { RequestHandler } from 'express';
import { ProblemError } from '../platform';
import type { RedisAuctionViews } from '../projections';
import type { AuctionQueries } from './auction/auctionQueries';
import { readModelDocs } from './consistency';
import type { HotViews } from './auction/hotViews';

/** What the query routes share: their dependencies, the auction id of a path, the usual answers. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const notFound = { 404: ['AUCTION_NOT_FOUND'] };
export const ok = (description: string, schema: object) => ({
  200: { description, schema, headers: readModelDocs.responseHeaders },
});

export const auctionNotFound = () =>
  new ProblemError(404, 'AUCTION_NOT_FOUND', 'Auction not found', 'No such auction');

export function auctionIdParam(id: string): string {
  if (!UUID.test(id)) throw auctionNotFound();
  return id.toLowerCase();
}

export interface QueryDeps {
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
