export type AuctionRuleCode =
  | 'AUCTION_NOT_FOUND'
  | 'AUCTION_ALREADY_EXISTS'
  | 'AUCTION_NOT_OPEN'
  | 'AUCTION_NOT_ENDED'
  | 'NOT_ENDING_SOON'
  | 'BID_TOO_LOW'
  | 'SELLER_CANNOT_BID'
  | 'AUCTION_HAS_BIDS'
  | 'NOT_SELLER'
  | 'INVALID_SCHEDULE'
  | 'TOO_MANY_PHOTOS'
  | 'PHOTO_EXISTS'
  | 'PHOTO_NOT_FOUND'
  | 'BUY_NOW_UNAVAILABLE'
  | 'PROXY_NOT_ALLOWED'
  | 'BID_NOT_FOUND'
  | 'RETRACTION_TOO_LATE'
  | 'ACCOUNT_SUSPENDED'
  | 'BIDDER_BLOCKED'
  | 'BIDDER_NOT_APPROVED';

/** A command refused by the rules of an auction: an expected outcome with a stable code. */
export class AuctionRuleError extends Error {
  constructor(
    readonly code: AuctionRuleCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AuctionRuleError';
  }
}
