/**
 * The write side: the auction decider, the command handler (load, decide, append with the
 * expected revision, retry on conflict) and the HTTP command routes.
 */
export * from './auctionStreamFold';
export * from './commandHandler';
export * from './commandRoutes';
