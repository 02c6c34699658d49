import {
  auctionIdOfStream,
  type Auction,
  type AuctionClosed,
  type BidCancelled,
  type BidPlaced,
  type SealedBid,
  sharedFoldStep,
} from '../auction';
import type { RecordedEvent } from '../events';

/** A bid this close to the end as it stood then is late. */
export const LATE_BID_MS = 60_000;

/** What the market summary keeps of each auction, folded from its stream. */
export interface AuctionFacts {
  auctionId: string;
  revision: number;
  state: Auction;
  currency: string;
  status: 'active' | 'closed' | 'cancelled';
  /** When it closed or was cancelled. */
  endedAt: string | null;
  outcome: string | null;
  finalPrice: number | null;
  bids: number;
  autoBids: number;
  lateBids: number;
  extensions: number;
  bidders: string[];
}

/** A sealed auction's bid facts, from its bids as the close reveals them. */
const sealedFacts = (bids: SealedBid[], endsAt: number) => ({
  bids: bids.length,
  lateBids: bids.filter((b) => b.placedAt >= endsAt - LATE_BID_MS).length,
  bidders: [...new Set(bids.map((b) => b.bidderId))],
});

/**
 * Pure: the facts after a batch of the log. Events at or below an auction's stored revision
 * were counted already and are skipped, so a replayed batch changes nothing.
 */
export function foldFacts(
  current: Map<string, AuctionFacts>,
  events: RecordedEvent[],
): Map<string, AuctionFacts> {
  const changed = new Map<string, AuctionFacts>();
  for (const recorded of events) {
    const auctionId = auctionIdOfStream(recorded.streamId);
    if (!auctionId) continue;
    const before = changed.get(auctionId) ?? current.get(auctionId);
    const revision = Number(recorded.revision);
    if (before && revision <= before.revision) continue;
    const { event, state } = sharedFoldStep(before?.state ?? null, recorded);
    if (!state) continue;
    // Late: within the last minute of the end as it stood when the bid came (read before the facts change).
    const lateFrom = before ? before.state.endsAt - LATE_BID_MS : undefined;
    // The batch's own facts of an auction change in place; those held before it are copied once.
    const own = changed.get(auctionId);
    const facts: AuctionFacts = own
      ? Object.assign(own, { state, revision })
      : before
        ? { ...before, state, revision }
        : {
            auctionId,
            revision,
            state,
            currency: state.currency,
            status: 'active',
            endedAt: null,
            outcome: null,
            finalPrice: null,
            bids: 0,
            autoBids: 0,
            lateBids: 0,
            extensions: 0,
            bidders: [],
          };
    if (event.type === 'BidPlaced') {
      const bid = event.data as BidPlaced;
      facts.bids++;
      if (bid.auto) facts.autoBids++;
      if (lateFrom !== undefined && Date.parse(bid.placedAt) >= lateFrom) facts.lateBids++;
      // A new array, never the one the facts before this event hold.
      if (!facts.bidders.includes(bid.bidderId)) facts.bidders = [...facts.bidders, bid.bidderId];
    } else if (event.type === 'BidCancelled') afterCancel(facts, event.data as BidCancelled, state);
    else if (event.type === 'AuctionExtended') facts.extensions++;
    else if (event.type === 'AuctionCancelled') {
      facts.status = 'cancelled';
      facts.endedAt = (event.data as { cancelledAt: string }).cancelledAt;
    } else if (event.type === 'AuctionClosed') {
      const closed = event.data as AuctionClosed;
      facts.status = 'closed';
      facts.endedAt = closed.closedAt;
      facts.outcome = closed.outcome;
      facts.finalPrice = closed.finalPrice;
      // A sealed auction's bids are counted only now: until the close they are nobody's to count.
      if (state.sealedBids) Object.assign(facts, sealedFacts(state.sealedBids, state.endsAt));
    }
    changed.set(auctionId, facts);
  }
  return changed;
}

/**
 * As if the bidder never bid: the count is the decider's, and they leave the bidders. (Automatic
 * and late bids are not counted again: the facts keep no list of bids.)
 */
function afterCancel(facts: AuctionFacts, cancelled: BidCancelled, state: { sealedBids?: unknown }) {
  if (!state.sealedBids) facts.bids = cancelled.bidCount;
  facts.autoBids = Math.min(facts.autoBids, facts.bids);
  facts.lateBids = Math.min(facts.lateBids, facts.bids);
  facts.bidders = facts.bidders.filter((b) => b !== cancelled.bidderId);
}
