/**
 * Analytics, the pure domain: an auction's facts for the market summary, folded from its stream,
 * and what-if replays of closed auctions under other rules with the same decider. Its projection
 * is in src/projections/analytics, its queries and routes in src/read-api/analytics.
 */
export { type AuctionFacts, foldFacts } from './auctionFacts';
export { replayUnderRules, summarise, type WhatIfItem, type WhatIfRules } from './whatIf';
