/**
 * The write side: the one command handling (streamCommands.ts: fold, decide, append with the
 * expected revision, retry on conflict) and each capability's commands in a folder named after
 * it: auction (its performance layer of lanes, batches and a state cache; the HTTP command
 * routes and the bid fast lane), watching. The rules themselves are in the pure domain folders.
 */
export * from './auction/auctionStreamFold';
export * from './commandErrors';
export * from './auction/decideBatch';
export * from './auction/commandHandler';
export * from './auction/http/commandRoutes';
export * from './auction/http/placeBidFastLane';
export * from './watching/watchlistCommands';
export * from './streamCommands';
export * from './watching/watchlistRoutes';
export * from './commandMetrics';
