/**
 * The read side over HTTP, each capability in a folder named after it: auction (lists and views,
 * Redis for the hot route, PostgreSQL for the rest; bids, each user's bids, the analysts' history
 * routes), notifications (the watchlist and notifications), analytics (the market summary,
 * what-if); `X-Min-Position` waiting for them all.
 */
export { getAnalyticsQueries } from './analytics/analyticsQueries';
export { analyticsRoutes } from './analytics/analyticsRoutes';
export { runWhatIf } from './analytics/whatIfRun';
export { getAuctionQueries } from './auction/auctionQueries';
export { bidQueryRoutes } from './auction/bidQueryRoutes';
export { getDueAuctions } from './auction/dueAuctions';
export { historyRoutes, streamEventsSchema } from './auction/historyRoutes';
export { hotAuctionLane } from './auction/hotAuctionRoute';
export { getHotViews } from './auction/hotViews';
export { getBidPosition, getLogUpcaster } from './auction/logUpcaster';
export { photoRoutes } from './auction/photoRoutes';
export { queryRoutes } from './auction/queryRoutes';
export { auctionListSchema, bidListSchema, bidSchema, myBidsSchema } from './auction/querySchemas';
export { getNotificationQueries } from './notifications/notificationQueries';
export {
  notificationPageSchema,
  notificationRoutes,
  notificationSchema,
  watchlistPageSchema,
} from './notifications/notificationRoutes';
export { getSaleQueries, type SaleQueries } from './sales/saleQueries';
export { saleQueryRoutes } from './sales/saleRoutes';
export { userHistoryRoutes } from './auction/userHistoryRoute';
export { getOpenAuctionsOfBidder } from './auction/bidderAuctions';
export { getInvoiceQueries, type InvoiceQueries } from './invoicing/invoiceQueries';
export { invoiceQueryRoutes } from './invoicing/invoiceQueryRoutes';
