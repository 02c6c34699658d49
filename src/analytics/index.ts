/**
 * Analysts: the market summary (a projection of its own) and what-if replays of closed auctions
 * under other rules with the same pure decider (nothing written).
 */
export * from './auctionFacts';
export * from './analyticsStore';
export * from './analyticsQueries';
export * from './analyticsRoutes';
export * from './whatIf';
export * from './whatIfRun';
