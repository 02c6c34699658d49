/**
 * The write side: the command handler (per-auction lanes, a pure batch decision, append with
 * the expected revision and retry on conflict) and the HTTP command routes. The auction's
 * rules themselves are in src/auction.
 */
export * from './auctionStreamFold';
export * from './commandErrors';
export * from './decideBatch';
export * from './commandHandler';
export * from './http/commandRoutes';
export * from './http/placeBidFastLane';
export * from './watchlistCommands';
export * from './streamCommands';
export * from './http/watchlistRoutes';
