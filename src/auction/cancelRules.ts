import { createHash } from 'node:crypto';
import type { AuctionEvent, BidCancelled } from './auctionEvents';
import { AuctionRuleError } from './auctionRuleError';
import { evolve, evolveAll, minimumBid, type Auction } from './auctionState';
import { englishBid } from './englishRules';

/** A bidder may retract their bids only while more than this remains before the end. */
export const RETRACTION_MIN_REMAINING_MS = 12 * 3600 * 1000;

export interface CancelBidsData {
  /** Whose bids go: the bidder of a named bid, or a bidder. */
  target: { bidId: string } | { bidderId: string };
  kind: BidCancelled['kind'];
  /** Who asks, and as what: the auction's seller, an admin, the bidder, or the platform (a suspension). */
  by: { userId: string; role: 'seller' | 'admin' | 'bidder' | 'system' };
  reason: string | null;
}

type StandingBid = BidCancelled['placedBids'][number];

/** A bid as it was asked: what the decider decides again when a cancellation recomputes the auction. */
type BidInput =
  | {
      kind: 'bid';
      bidId: string;
      bidderId: string;
      amount: number;
      ceiling: number;
      at: string;
      answerId?: string;
    }
  | { kind: 'raise'; bidId: string; bidderId: string; ceiling: number; at: string; answerId?: string }
  | { kind: 'push'; endsAt: number };

/** What the auction's history says, read once in log order. */
interface History {
  created: Auction;
  inputs: BidInput[];
  /** Inputs of bidders whose bids were cancelled before. */
  removed: Set<string>;
  /** The bids that stand now, as the read models show them. */
  standing: Map<string, StandingBid>;
}

/** A recomputed leader's answer to a bid that had none: an id of its own, the same on every replay. */
function answerIdOf(bidId: string): string {
  const hex = createHash('sha1').update(`answer:${bidId}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function readHistory(history: AuctionEvent[]): History {
  const created = history[0]?.type === 'AuctionCreated' ? evolve(null, history[0]) : null;
  if (!created) throw new Error('An auction history starts with AuctionCreated');
  const inputs: BidInput[] = [];
  const removed = new Set<string>();
  const standing = new Map<string, StandingBid>();
  for (const event of history) {
    if (event.type === 'BidPlaced') {
      const { bidId, bidderId, amount, asked, maxAmount, auto, placedAt } = event.data;
      standing.set(bidId, { bidId, bidderId, amount, auto, placedAt });
      const last = inputs[inputs.length - 1];
      if (auto) {
        if (last && last.kind !== 'push' && last.at === placedAt) last.answerId = bidId;
        continue;
      }
      const ceiling = Math.max(amount, maxAmount ?? amount);
      inputs.push({ kind: 'bid', bidId, bidderId, amount: asked ?? amount, ceiling, at: placedAt });
    } else if (event.type === 'MaxBidRaised') {
      const { bidId, bidderId, maxAmount, raisedAt } = event.data;
      inputs.push({ kind: 'raise', bidId, bidderId, ceiling: maxAmount, at: raisedAt });
    } else if (event.type === 'AuctionExtended' && event.data.reason === 'previous_lot_extended') {
      inputs.push({ kind: 'push', endsAt: Date.parse(event.data.endsAt) });
    } else if (event.type === 'BidCancelled') {
      for (const id of event.data.bidIds) removed.add(id);
      for (const id of event.data.removedBidIds) standing.delete(id);
      for (const bid of event.data.placedBids) standing.set(bid.bidId, bid);
    }
  }
  return { created, inputs, removed, standing };
}

/**
 * Pure: the auction decided again from its creation over the bids that remain, each at the time
 * it was placed, by the same rules (englishBid); a bid the remaining ones would have refused as
 * too low is left out. The bids that then stand, in order.
 */
export function refold(created: Auction, inputs: BidInput[], removed: ReadonlySet<string>) {
  let state = created;
  const bids: StandingBid[] = [];
  const apply = (events: AuctionEvent[]) => {
    for (const e of events) if (e.type === 'BidPlaced') bids.push(standingOf(e.data));
    state = evolveAll(events, state) as Auction;
  };
  for (const input of inputs) {
    if (input.kind === 'push') {
      state = { ...state, endsAt: Math.max(state.endsAt, input.endsAt) };
      continue;
    }
    if (removed.has(input.bidId)) continue;
    const { bidId, bidderId, ceiling } = input;
    const leads = state.leader?.bidderId === bidderId;
    const amount = input.kind === 'bid' ? input.amount : leads ? ceiling : minimumBid(state);
    if (!leads && amount < minimumBid(state)) continue;
    if (amount > ceiling) continue;
    const autoBidId = input.answerId ?? answerIdOf(bidId);
    apply(englishBid({ bidId, autoBidId, bidderId, amount, maxAmount: ceiling }, new Date(input.at), state));
  }
  return { state, bids };
}

const standingOf = ({ bidId, bidderId, amount, auto, placedAt }: StandingBid): StandingBid => ({
  bidId,
  bidderId,
  amount,
  auto,
  placedAt,
});

const sameBid = (a: StandingBid | undefined, b: StandingBid) =>
  a !== undefined && a.bidderId === b.bidderId && a.amount === b.amount && a.auto === b.auto;

function bidderOf(target: CancelBidsData['target'], history: History, auction: Auction): string {
  if ('bidderId' in target) return target.bidderId;
  const bid =
    history.standing.get(target.bidId) ??
    history.inputs.find((i) => i.kind !== 'push' && i.bidId === target.bidId) ??
    auction.sealedBids?.find((b) => b.bidId === target.bidId);
  if (!bid || !('bidderId' in bid)) {
    throw new AuctionRuleError('BID_NOT_FOUND', 'The auction has no such bid');
  }
  return bid.bidderId;
}

function mayCancel(data: CancelBidsData, bidderId: string, now: Date, auction: Auction) {
  const { by } = data;
  if (by.role === 'seller' && by.userId !== auction.sellerId) {
    throw new AuctionRuleError('NOT_SELLER', "Only the auction's seller (or an admin) may cancel a bid");
  }
  if (auction.status !== 'active' || now.getTime() >= auction.endsAt) {
    throw new AuctionRuleError('AUCTION_NOT_OPEN', 'Bids can be cancelled only while the auction is open');
  }
  if (data.kind === 'retracted') {
    if (by.userId !== bidderId) throw new Error("A retraction is the bidder's own");
    if (auction.endsAt - now.getTime() <= RETRACTION_MIN_REMAINING_MS) {
      throw new AuctionRuleError(
        'RETRACTION_TOO_LATE',
        'Bids may be retracted only while more than 12 hours remain',
        {
          endsAt: new Date(auction.endsAt).toISOString(),
        },
      );
    }
  }
}

/**
 * Pure: a bidder's bids on an open auction cancelled or retracted. The auction then stands as if
 * they had never been placed: for an English auction, decided again from the remaining bids
 * (refold); for a sealed one, without their sealed bids. Nothing of theirs left: nothing recorded
 * (a second cancellation, a retry, a suspension's process manager again, all answer the same).
 * `history` is the auction's stream, in today's shapes.
 */
export function cancelBids(
  data: CancelBidsData,
  history: AuctionEvent[],
  now: Date,
  auction: Auction,
): AuctionEvent[] {
  const read = readHistory(history);
  const bidderId = bidderOf(data.target, read, auction);
  mayCancel(data, bidderId, now, auction);
  const theirs = (id: string, bidder: string) => bidder === bidderId && !read.removed.has(id);
  const bidIds = [
    ...read.inputs.flatMap((i) => (i.kind !== 'push' && theirs(i.bidId, i.bidderId) ? [i.bidId] : [])),
    ...(auction.sealedBids ?? []).flatMap((b) => (b.bidderId === bidderId ? [b.bidId] : [])),
  ];
  if (bidIds.length === 0) return [];
  const removed = new Set([...read.removed, ...bidIds]);
  const { state, bids } = refold(read.created, read.inputs, removed);
  const after = new Map(bids.map((b) => [b.bidId, b]));
  const sealedLeft = auction.sealedBids?.filter((b) => b.bidderId !== bidderId);
  const cancelled: BidCancelled = {
    bidderId,
    bidIds,
    kind: data.kind,
    cancelledBy: data.by.userId,
    reason: data.reason,
    cancelledAt: now.toISOString(),
    currentPrice: state.currentPrice,
    leadingBidderId: state.leader?.bidderId ?? null,
    leaderCeiling: state.leader?.ceiling ?? null,
    bidCount: sealedLeft ? sealedLeft.length : state.bidCount,
    // Recomputed from the remaining bids' soft close, never later than it was.
    endsAt: new Date(Math.min(state.endsAt, auction.endsAt)).toISOString(),
    removedBidIds: [...read.standing.keys()].filter((id) => !after.has(id)),
    placedBids: bids.filter((b) => !sameBid(read.standing.get(b.bidId), b)),
  };
  return [{ type: 'BidCancelled', data: cancelled }];
}
