/**
 * The auction domain, pure: its events and their schemas, the state and `evolve`, the decider
 * and its rule errors, the increments, the stream naming, the one fold every reader uses, and
 * the view of an auction (what each viewer sees of it).
 * No I/O: commands, projections, read-api and realtime all build on it.
 */
export {
  type AuctionCommand,
  auctionDecider,
  type CreateAuctionData,
  decide,
  MAX_DURATION_MS,
  type PlaceBidData,
} from './auctionDecider';
export { MAX_PHOTOS } from './photoRules';
export { type BidderEligibility, checkEligible } from './eligibility';
export { type CancelBidsData, RETRACTION_MIN_REMAINING_MS } from './cancelRules';
export { type BuyNowData, buyNowPriceError } from './buyNowRules';
export {
  type AuctionFormat,
  dutchPriceAt,
  type DutchTerms,
  formatOf,
  formatTermsError,
  isSealed,
  rankSealedBids,
} from './formatRules';
export { dutchViewAt } from './formatView';
export { formatBodyProperties, formatBodyShapes } from './formatSchemas';
export {
  type AuctionBoughtNow,
  type AuctionClosed,
  type AuctionCreated,
  type AuctionEvent,
  auctionEventSchemas,
  eventSchemaParts,
  type AuctionEventType,
  type AuctionOutcome,
  type BidCancelled,
  type BidPlaced,
  type MaxBidRaised,
  type SealedBidPlaced,
} from './auctionEvents';
export { type AuctionRuleCode, AuctionRuleError } from './auctionRuleError';
export {
  type Auction,
  type AuctionState,
  type SealedBid,
  evolve,
  evolveAll,
  initialState,
  minimumBid,
} from './auctionState';
export {
  affectedAuctionIds,
  auctionIdOfEvent,
  foldAuctions,
  sharedFoldStep,
  type StoredAuction,
  storedStateJson,
} from './auctionStates';
export {
  auctionIdOfStream,
  auctionStreamId,
  foldAuction,
  foldStep,
  isPrivateEvent,
  toAuctionEvent,
} from './auctionStream';
export { type AuctionView, auctionViewSchema, toAuctionView, viewFor } from './auctionView';
export {
  incrementAt,
  type IncrementBand,
  incrementTableError,
  incrementTableSchema,
  ladderIncrement,
  MAX_INCREMENT_BANDS,
} from './increments';
export {
  AUCTION_STATE_VERSION,
  fromStoredState,
  StoredStateVersionError,
  toStoredState,
} from './storedAuctionState';
