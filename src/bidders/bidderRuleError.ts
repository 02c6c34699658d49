export type BidderRuleCode =
  | 'CANNOT_BLOCK_SELF'
  | 'APPROVAL_NOT_REQUIRED'
  | 'SELLER_CANNOT_REGISTER'
  | 'REGISTRATION_NOT_FOUND'
  | 'NOT_SELLER'
  | 'SALE_NOT_FOUND'
  | 'SALE_CLOSED'
  | 'ACCOUNT_ERASED';

/** A command refused by the rules of who may bid: an expected outcome with a stable code. */
export class BidderRuleError extends Error {
  constructor(
    readonly code: BidderRuleCode,
    message: string,
  ) {
    super(message);
    this.name = 'BidderRuleError';
  }
}
