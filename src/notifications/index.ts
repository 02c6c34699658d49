/**
 * Watching and notifications, the read side: the notifications projection (derived from the
 * auction and user streams, each notification once per cause), its queries and routes, and the
 * feed that tells every instance's WebSocket gateway of new ones.
 */
export * from './notificationRules';
export * from './notificationStore';
export * from './notificationQueries';
export * from './notificationRoutes';
export * from './notificationFeed';
export * from './migrations';
