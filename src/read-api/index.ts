/**
 * The read side over HTTP, each capability in a folder named after it: auction (lists and views,
 * Redis for the hot route, PostgreSQL for the rest; bids, each user's bids, the analysts' history
 * routes), notifications (the watchlist and notifications), analytics (the market summary,
 * what-if); `X-Min-Position` waiting for them all.
 */
export * from './auction/auctionQueries';
export * from './consistency';
export * from './auction/historyRoutes';
export * from './auction/queryRoutes';
export * from './auction/hotViews';
export * from './auction/hotAuctionRoute';
export * from './auction/querySchemas';
export * from './auction/logUpcaster';
export * from './auction/bidQueryRoutes';
export * from './queryCommon';
export * from './notifications/notificationQueries';
export * from './notifications/notificationRoutes';
export * from './analytics/analyticsQueries';
export * from './analytics/analyticsRoutes';
export * from './analytics/whatIfRun';
export * from './auction/dueAuctions';
