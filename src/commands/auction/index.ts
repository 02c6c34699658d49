/** The auction aggregate: its pure decider (decide, evolve, initialState) and rule errors. */
export * from './auctionDecider';
export * from './auctionRuleError';
export * from './increments';
