import type { RequestHandler } from 'express';
import { adminUserRoutes, erasureRoutes, getAccountsStore } from '../auth';
import {
  bidderRoutes,
  getBidderCommands,
  getInvoiceCommands,
  getSaleCommands,
  invoiceRoutes,
  requireActiveAccount,
  saleCommandRoutes,
  startBidderAccess,
  type BidderAccess,
  type CommandHandler,
} from '../commands';
import { readStoredCheckpoint, SALES_PROJECTION } from '../projections';
import {
  getAuctionQueries,
  getInvoiceQueries,
  getSaleQueries,
  invoiceQueryRoutes,
  saleQueryRoutes,
  userHistoryRoutes,
} from '../read-api';
import { getPersonalDataVault } from '../platform';
import { toInvoiceView, type CheckoutDetails } from '../invoicing';
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

/** After the hammer: invoices, payments, checkout, second chance offers, and erasure. */
export function afterHammerRoutes(
  infra: Infrastructure,
  auth: { anyUser: RequestHandler; requireAuth: RequestHandler },
) {
  const { eventStore, knex, config } = infra;
  const vault = getPersonalDataVault(knex);
  const commands = getInvoiceCommands(eventStore, vault, config.afterHammer);
  const queries = getInvoiceQueries(knex);
  const accounts = getBidderCommands(eventStore);
  return [
    invoiceRoutes({ commands, vault, offerAuction: queries.offerAuction, requireAuth: auth.requireAuth }),
    invoiceQueryRoutes({ queries, requireAuth: auth.anyUser }),
    erasureRoutes({
      knex,
      accounts: getAccountsStore(knex),
      vault,
      requireAuth: auth.anyUser,
      owedInvoices: queries.owedBy,
      async recordErasure(userId) {
        await accounts.account(userId, userId, { type: 'EraseAccount', now: new Date() });
      },
      async heldAbout(userId) {
        const invoices = await queries.allBoughtBy(userId);
        const checkoutDetails = [];
        for (const invoice of invoices)
          if (invoice.checkout)
            checkoutDetails.push({
              invoiceId: invoice.invoiceId,
              details: (await vault.open(invoice.checkout)) as CheckoutDetails | undefined,
            });
        return { checkoutDetails, invoices: invoices.map(toInvoiceView) };
      },
    }),
  ];
}
