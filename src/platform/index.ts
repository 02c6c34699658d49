/**
 * Platform: configuration, logging, database clients and migrations, the HTTP shell, health and
 * errors. Knows no domain.
 */
export * from './config';
export * from './logger';
export * from './postgres';
export * from './problem';
export * from './httpApp';
export * from './health';
export * from './validation';
export * from './redis';
export * from './metrics';
export * from './apiRouter';
export * from './openapi';
export * from './httpShell';
export * from './fastBody';
export * from './rateLimit';
export * from './serviceProbes';
export * from './httpSemantics';
export * from './etag';
export * from './serviceContainers';
export * from './nameUuid';
export * from './rawJson';
export * from './jsonInput';
