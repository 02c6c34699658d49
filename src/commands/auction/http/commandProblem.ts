import { AuctionRuleError, type AuctionRuleCode } from '../../../auction';
import { ProblemError, validationProblem } from '../../../platform';
import { CommandBusyError, IdempotencyKeyReusedError } from '../../commandErrors';

/** How each rule of the decider answers over HTTP: a new code without a line here does not compile. */
const RULE_PROBLEMS: Record<AuctionRuleCode, { status: number; title: string }> = {
  AUCTION_NOT_FOUND: { status: 404, title: 'Auction not found' },
  AUCTION_ALREADY_EXISTS: { status: 409, title: 'Auction exists' },
  AUCTION_NOT_OPEN: { status: 422, title: 'Auction not open' },
  AUCTION_NOT_ENDED: { status: 422, title: 'Auction not ended' },
  NOT_ENDING_SOON: { status: 422, title: 'Auction not ending soon' },
  BID_TOO_LOW: { status: 422, title: 'Bid too low' },
  SELLER_CANNOT_BID: { status: 422, title: 'Seller cannot bid' },
  AUCTION_HAS_BIDS: { status: 422, title: 'Auction has bids' },
  NOT_SELLER: { status: 403, title: 'Not the seller' },
  INVALID_SCHEDULE: { status: 400, title: 'Validation failed' },
  TOO_MANY_PHOTOS: { status: 422, title: 'Too many photos' },
  PHOTO_EXISTS: { status: 409, title: 'Photo exists' },
  PHOTO_NOT_FOUND: { status: 404, title: 'Photo not found' },
  BUY_NOW_UNAVAILABLE: { status: 422, title: 'Buy it now unavailable' },
  PROXY_NOT_ALLOWED: { status: 422, title: 'No proxy bidding in this format' },
  BID_NOT_FOUND: { status: 404, title: 'Bid not found' },
  RETRACTION_TOO_LATE: { status: 422, title: 'Too late to retract' },
  ACCOUNT_SUSPENDED: { status: 403, title: 'Account suspended' },
  BIDDER_BLOCKED: { status: 403, title: 'Blocked by the seller' },
  BIDDER_NOT_APPROVED: { status: 403, title: 'Not approved for this sale' },
};

/** The members the command side's problems add beyond RFC 9457's, for the API document. */
export const commandProblemMembers = {
  minimumBid: { type: 'integer', description: 'BID_TOO_LOW: the lowest bid accepted now' },
} as const;

/** Maps the command side's expected failures to problems; anything else is a bug and stays as it is. */
export function commandProblem(error: unknown): unknown {
  if (error instanceof AuctionRuleError) {
    // A schedule the decider refuses is a bad field of the request, like any other.
    if (error.code === 'INVALID_SCHEDULE') {
      const { field, message } = error.details as { field: string; message: string };
      return validationProblem([{ field: `body.${field}`, message }]);
    }
    const { status, title } = RULE_PROBLEMS[error.code];
    return new ProblemError(status, error.code, title, error.message, error.details);
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return new ProblemError(422, error.code, 'Idempotency key reused', error.message);
  }
  if (error instanceof CommandBusyError) {
    return new ProblemError(503, 'BUSY', 'Busy', error.message, { retryAfter: 1 });
  }
  return error;
}
