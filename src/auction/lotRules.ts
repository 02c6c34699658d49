import type { AuctionEvent } from './auctionEvents';
import { AuctionRuleError } from './auctionRuleError';
import type { Auction } from './auctionState';

/**
 * A lot keeps its gap after the lot before it in its sale, which now ends later: it ends at
 * `endsAt` at the earliest. Recorded once: a lot already ending then or later, or over, records
 * nothing (the sale's process manager may send it again after a crash).
 */
export function pushLot(endsAt: number, auction: Auction): AuctionEvent[] {
  if (auction.saleId === undefined)
    throw new AuctionRuleError('AUCTION_NOT_OPEN', 'Only a lot of a sale is pushed by the lot before it');
  if (auction.status !== 'active' || endsAt <= auction.endsAt) return [];
  return [
    {
      type: 'AuctionExtended',
      data: {
        endsAt: new Date(endsAt).toISOString(),
        previousEndsAt: new Date(auction.endsAt).toISOString(),
        reason: 'previous_lot_extended',
      },
    },
  ];
}
