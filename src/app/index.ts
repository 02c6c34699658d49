/**
 * The composition root: opens the shared infrastructure once, starts the roles named in ROLES
 * (api, projector, scheduler), each registering its own closer, and stops them in reverse.
 */
export * from './startApp';
export * from './startOptions';
export * from './getEventStore';
export * from './localServices';
export { MIGRATIONS } from './infrastructure';
