/**
 * Live updates over WebSocket at /ws: rooms per auction fed by the read model's change feed
 * (Redis pub/sub, so every instance sees every change), resume from a revision, limits.
 */
export { buildAsyncApi } from './asyncApi';
export { getRealtimeGateway, type RealtimeGateway } from './gateway';
export { type GatewayDeps } from './gatewayOptions';
export { getAuctionHistory, getCurrentView } from './history';
export { continueWith, newSequence, offer, release, startingRevision, type Step } from './revisionSequence';
export { serverMessageSchemas } from './serverMessages';
export { fullBucket, take } from './tokenBucket';
