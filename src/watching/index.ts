/**
 * The watching domain, pure: a user's stream (`user-<userId>`), the events of what they watch,
 * and the decision of a watch command. No I/O.
 */
export {
  isUserEventType,
  userIdOfStream,
  userStreamId,
  userStreamType,
  type WatchCommand,
  watchlistDecider,
} from './userStream';
export { type AuctionWatched, type SaleWatched, type UserEvent } from './watchEvents';
