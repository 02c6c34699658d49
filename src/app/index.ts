/**
 * The composition root: opens the shared infrastructure once, starts the roles named in ROLES
 * (api, projector, scheduler), each registering its own closer, and stops them in reverse.
 */
export { getEventStore } from './getEventStore';
export { MIGRATIONS } from './infrastructure';
export { ensureLocalServices, MissingServicesError, ServiceRefusedError } from './localServices';
export { type RunningApp, startApp } from './startApp';
export { type StartOptions } from './startOptions';
