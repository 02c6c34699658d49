/**
 * The read side over HTTP: auction lists and views (Redis for the hot route, PostgreSQL for the
 * rest), bids, each user's bids, `X-Min-Position` waiting, and the analysts' history routes.
 */
export * from './auctionQueries';
export * from './consistency';
export * from './historyRoutes';
export * from './queryRoutes';
export * from './hotViews';
export * from './hotAuctionRoute';
export * from './querySchemas';
export * from './logUpcaster';
export * from './bidQueryRoutes';
export * from './queryCommon';
