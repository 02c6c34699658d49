/**
 * The read side's write half: the projector runtime (leases, checkpoints, batches, holding at an
 * event it cannot apply) and each capability's read models, in a folder named after it:
 * auction (PostgreSQL and Redis, the change feed), notifications (with their feed), analytics.
 */
export { ANALYTICS_PROJECTION, analyticsMigrations, analyticsStore } from './analytics/analyticsStore';
export { projectionMigrations, READ_MODEL_SCHEMA } from './auction/migrations';
export { POSTGRES_PROJECTION, postgresReadModel } from './auction/postgresReadModel';
export { publicEvent, publicEventSchema, publicEventSchemas, sealedOpen } from './auction/publicEvents';
export {
  buildPostgresReadModel,
  PROJECTION_NAMES,
  rebuildPostgresReadModel,
  rebuildRedisReadModel,
  type RebuildResult,
  refoldInPlace,
} from './auction/rebuild';
export { getRedisAuctionViews, type RedisAuctionViews, renderStoredView } from './auction/redisAuctionViews';
export { currentGeneration, REDIS_PROJECTION, redisKeys, redisReadModel } from './auction/redisReadModel';
export { changeMessage, type ChangeMessage, publishChanges, subscribeChanges } from './changeFeed';
export { getLeases } from './leases';
export { notificationMigrations } from './notifications/migrations';
export {
  type NotificationMessage,
  publishNotifications,
  subscribeNotifications,
} from './notifications/notificationFeed';
export {
  NOTIFICATIONS_PROJECTION,
  notificationStore,
  type StoredNotification,
} from './notifications/notificationStore';
export { type ProjectionRunner, type ProjectionStatus, runProjection } from './projectionRunner';
export { type AuctionChange, CheckpointMovedError, type ProjectionStore } from './projectionStore';
export { lazyCheckpoint, moveCheckpoint, readStoredCheckpoint, storedCheckpoint } from './storedCheckpoint';
export { saleMigrations, SALES_PROJECTION, saleStore } from './sales/saleStore';
export { INVOICES_PROJECTION, invoiceMigrations, invoiceStore } from './invoicing/invoiceStore';
