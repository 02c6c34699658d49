/**
 * Notifications, the pure domain: which notification each event of the auction and user streams
 * causes, for whom, exactly once per cause. Its projection and feed are in
 * src/projections/notifications, its queries and routes in src/read-api/notifications.
 */
export { decodeNotificationCursor, type Notification, toNotification } from './notification';
export {
  type AuctionFacts,
  notificationIdOf,
  type NotificationKind,
  type NotificationRow,
  planNotifications,
  type SaleWatchChange,
  type WatchChange,
} from './notificationRules';
export { auctionIdsOf, saleIdsOf } from './batchIds';
