/**
 * The read side's write half: the projector runtime (leases, checkpoints, batches, holding at an
 * event it cannot apply) and each capability's read models, in a folder named after it:
 * auction (PostgreSQL and Redis, the change feed), notifications (with their feed), analytics.
 */
export * from './leases';
export * from './auction/migrations';
export * from './auction/postgresReadModel';
export * from './projectionRunner';
export * from './projectionStore';
export * from './auction/redisReadModel';
export * from './auction/redisAuctionViews';
export * from './auction/rebuild';
export * from './changeFeed';
export * from './auction/publicEvents';
export * from './stateCache';
export * from './notifications/notificationStore';
export * from './notifications/notificationFeed';
export * from './notifications/migrations';
export * from './analytics/analyticsStore';
export * from './storedCheckpoint';
