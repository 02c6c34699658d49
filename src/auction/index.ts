/**
 * The auction domain, pure: its events and their schemas, the state and `evolve`, the decider
 * and its rule errors, the increments, the stream naming, the one fold every reader uses, and
 * the view of an auction (what each viewer sees of it).
 * No I/O: commands, projections, read-api and realtime all build on it.
 */
export * from './auctionEvents';
export * from './auctionState';
export * from './auctionDecider';
export * from './auctionRuleError';
export * from './auctionStream';
export * from './increments';
export * from './storedAuctionState';
export * from './auctionView';
export * from './auctionStates';
