import type { RecordedEvent } from '../../events';
import { auctionIdOfEvent, type BidCancelled, type BidPlaced, type SealedBidPlaced } from '../../auction';

type BidRow = {
  bid_id: string;
  auction_id: string;
  bidder_id: string;
  amount: number;
  auto: boolean;
  placed_at: string;
  revision: number;
};

/** A cancellation, for the admin's history of its bidder. */
interface CancellationRow {
  event_id: string;
  bidder_id: string;
  auction_id: string;
  kind: string;
  cancelled_by: string;
  reason: string | null;
  bids: number;
  cancelled_at: string;
}

/**
 * The bids a batch writes, and those it deletes, in log order: a cancellation (BidCancelled)
 * deletes the bids that no longer stand and writes those that stand at another amount, or anew.
 * Every auction it touched has its rows of user_bids counted again from the bids that stand: a
 * cancellation also removes other bidders' bids (a proxy's answers to the cancelled bids).
 */
export function bidChanges(applied: RecordedEvent[]) {
  const rows = new Map<string, BidRow>();
  const deleted = new Set<string>();
  const recount = new Set<string>();
  const cancellations: CancellationRow[] = [];
  const put = (row: BidRow) => {
    rows.set(row.bid_id, row);
    deleted.delete(row.bid_id);
  };
  for (const e of applied) {
    const auctionId = auctionIdOfEvent(e)!;
    const revision = Number(e.revision);
    // Sealed bids are kept like the others; the queries show them to nobody until the close.
    if (e.type === 'BidPlaced' || e.type === 'SealedBidPlaced') {
      const bid = e.data as BidPlaced | SealedBidPlaced;
      const { bidId, bidderId, amount, placedAt } = bid;
      const auto = 'auto' in bid && bid.auto;
      put({
        bid_id: bidId,
        auction_id: auctionId,
        bidder_id: bidderId,
        amount,
        auto,
        placed_at: placedAt,
        revision,
      });
    } else if (e.type === 'BidCancelled') {
      const cancelled = e.data as BidCancelled;
      cancellations.push({
        event_id: e.id,
        bidder_id: cancelled.bidderId,
        auction_id: auctionId,
        kind: cancelled.kind,
        cancelled_by: cancelled.cancelledBy,
        reason: cancelled.reason,
        bids: cancelled.bidIds.length,
        cancelled_at: cancelled.cancelledAt,
      });
      recount.add(auctionId);
      for (const id of [...cancelled.removedBidIds, ...cancelled.bidIds]) {
        rows.delete(id);
        deleted.add(id);
      }
      for (const b of cancelled.placedBids) {
        const row = { bid_id: b.bidId, auction_id: auctionId, bidder_id: b.bidderId, amount: b.amount };
        put({ ...row, auto: b.auto, placed_at: b.placedAt, revision });
      }
    }
  }
  return {
    bidRows: [...rows.values()],
    deletedBidIds: [...deleted],
    recountAuctionIds: [...recount],
    cancellations,
  };
}
