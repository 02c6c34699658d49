import { AuctionRuleError } from './auctionRuleError';
import type { Auction } from './auctionState';

/**
 * Who the bidder is to the auction's seller and sale, as the write side knows it from the log
 * (the bidders' access index, kept current by a subscription to those events): handed to the
 * decider with a bid or a buy, and read in memory, not from another stream, per bid.
 */
export interface BidderEligibility {
  suspended: boolean;
  /** The sellers who block this bidder. */
  blockedBy: ReadonlySet<string>;
  /** The sales this bidder is approved for. */
  approvedSales: ReadonlySet<string>;
  /** The sales that require approval. */
  salesRequiringApproval: ReadonlySet<string>;
}

/** Pure: the refusal of a bidder who may not bid on this auction (403s), or nothing. */
export function checkEligible(eligibility: BidderEligibility | undefined, auction: Auction): void {
  if (!eligibility) return;
  if (eligibility.suspended)
    throw new AuctionRuleError('ACCOUNT_SUSPENDED', 'Your account is suspended: you cannot bid');
  if (eligibility.blockedBy.has(auction.sellerId))
    throw new AuctionRuleError('BIDDER_BLOCKED', 'The seller of this auction does not accept your bids', {
      sellerId: auction.sellerId,
    });
  const { saleId } = auction;
  const approval = auction.requiresApproval || (saleId && eligibility.salesRequiringApproval.has(saleId));
  if (saleId && approval && !eligibility.approvedSales.has(saleId))
    throw new AuctionRuleError(
      'BIDDER_NOT_APPROVED',
      'This sale takes bids only from bidders its seller approved',
      {
        saleId,
      },
    );
}
