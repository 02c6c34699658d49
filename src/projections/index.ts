/**
 * The read side's write half: the projector runtime (leases, checkpoints, batches) and the
 * PostgreSQL and Redis read models it maintains, plus the pure auction view.
 */
export * from './auctionStates';
export * from './auctionView';
export * from './leases';
export * from './migrations';
export * from './postgresReadModel';
export * from './projectionRunner';
export * from './projectionStore';
export * from './redisReadModel';
export * from './redisAuctionViews';
export * from './rebuild';
export * from './changeFeed';
export * from './publicEvents';
export * from './stateCache';
