import type { RequestHandler } from 'express';
import { adminUserRoutes, getAccountsStore } from '../auth';
import {
  bidderRoutes,
  getBidderCommands,
  getSaleCommands,
  requireActiveAccount,
  saleCommandRoutes,
  startBidderAccess,
  type BidderAccess,
  type CommandHandler,
} from '../commands';
import { readStoredCheckpoint, SALES_PROJECTION } from '../projections';
import { getAuctionQueries, getSaleQueries, saleQueryRoutes, userHistoryRoutes } from '../read-api';
import type { Closers } from './closers';
import type { Infrastructure } from './infrastructure';

export const saleRoutes = (
  { eventStore, knex }: Infrastructure,
  handler: CommandHandler,
  auth: { optionalAuth: RequestHandler; requireAuth: RequestHandler },
  auctions: { queries: ReturnType<typeof getAuctionQueries>; position: () => Promise<string | undefined> },
) => [
  saleCommandRoutes({ commands: getSaleCommands(eventStore, handler), requireAuth: auth.requireAuth }),
  saleQueryRoutes({
    queries: getSaleQueries(knex),
    salesPosition: () => readStoredCheckpoint(knex, SALES_PROJECTION),
    auctions: auctions.queries,
    auctionsPosition: auctions.position,
    optionalAuth: auth.optionalAuth,
  }),
];

/**
 * Who may bid, as this instance's write side knows it (kept current from the log), and the guard
 * of commands: a suspended user's answer 403 ACCOUNT_SUSPENDED; reads, login and tokens pass.
 */
export function accessOf(infra: Infrastructure, anyUser: RequestHandler, closers: Closers) {
  const access = startBidderAccess(infra.eventStore, infra.logger);
  closers.add('bidder access index', () => access.stop());
  return { access, requireAuth: requireActiveAccount(anyUser, access) };
}

/** Who may bid: blocks, suspensions, registrations, and the admin's history of a user. */
export const whoMayBidRoutes = (
  { eventStore, knex }: Infrastructure,
  access: BidderAccess,
  auth: {
    anyUser: RequestHandler;
    requireAuth: RequestHandler;
    requireRole: (...r: 'admin'[]) => RequestHandler;
  },
) => [
  bidderRoutes({
    commands: getBidderCommands(eventStore),
    access,
    requireAuth: auth.anyUser,
    requireActive: auth.requireAuth,
    requireAdmin: auth.requireRole('admin'),
  }),
  userHistoryRoutes({ eventStore, knex, requireAuth: auth.anyUser, requireRole: auth.requireRole }),
  adminUserRoutes({
    accounts: getAccountsStore(knex),
    requireAuth: auth.anyUser,
    requireAdmin: auth.requireRole('admin'),
  }),
];
