/**
 * Live updates over WebSocket at /ws: rooms per auction fed by the read model's change feed
 * (Redis pub/sub, so every instance sees every change), resume from a revision, limits.
 */
export * from './gateway';
export * from './history';
export * from './protocol';
export * from './serverMessages';
export * from './asyncApi';
export * from './gatewayOptions';
export * from './revisionSequence';
export * from './tokenBucket';
