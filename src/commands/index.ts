/**
 * The write side: the one command handling (streamCommands.ts: fold, decide, append with the
 * expected revision, retry on conflict) and each capability's commands in a folder named after
 * it: auction (its performance layer of lanes, batches and a state cache; the HTTP command
 * routes and the bid fast lane), watching, sales. The rules themselves are in the pure domain folders.
 */
export { type LoadedAuction } from './auction/auctionStreamFold';
export { type CommandHandler, getCommandHandler } from './auction/commandHandler';
export { type CommandEnvelope, decideBatch, settleBatch } from './auction/decideBatch';
export { commandProblemMembers } from './auction/http/commandProblem';
export { commandRoutes } from './auction/http/commandRoutes';
export { bidReplySchema, commandReplySchema } from './auction/http/commandSchemas';
export { getPlaceBid } from './auction/http/placeBid';
export { placeBidFastLane } from './auction/http/placeBidFastLane';
export { IdempotencyKeyReusedError } from './commandErrors';
export { getCommandObserver } from './commandMetrics';
export { ensureLotAuction, getSaleCommands, lotAuction, type SaleCommands } from './sales/saleCommands';
export { saleCommandRoutes } from './sales/saleRoutes';
export { getStreamCommands } from './streamCommands';
export { getWatchlistCommands } from './watching/watchlistCommands';
export { watchlistCommandRoutes } from './watching/watchlistRoutes';
export { type BidderAccess, startBidderAccess } from './bidders/bidderAccess';
export { getBidderCommands } from './bidders/bidderCommands';
export { bidderRoutes } from './bidders/bidderRoutes';
export { requireActiveAccount } from './bidders/activeAccount';
export { type CancelBids, getCancelBids } from './auction/cancelBids';
export {
  type AfterHammerSettings,
  getInvoiceCommands,
  invoiceIdForClose,
  invoiceIdForOffer,
  type InvoiceCommands,
} from './invoicing/invoiceCommands';
export { invoiceRoutes } from './invoicing/invoiceRoutes';
