/**
 * Notifications, the pure domain: which notification each event of the auction and user streams
 * causes, for whom, exactly once per cause. Its projection and feed are in
 * src/projections/notifications, its queries and routes in src/read-api/notifications.
 */
export * from './notificationRules';
export * from './notification';
