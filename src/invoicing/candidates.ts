import type { BidCancelled, BidPlaced, SealedBidPlaced } from '../auction';

export interface Candidate {
  bidderId: string;
  amount: number;
}

/**
 * Pure: who a second chance goes to, in order, from an auction's events: each bidder once, at
 * their highest standing bid (cancelled bids do not count; a proxy's ceiling is never offered at,
 * it stays private), highest first, the earlier bidder first on equal amounts, without `exclude`
 * (the defaulting winner).
 */
export function secondChanceCandidates(
  events: Array<{ type: string; data: unknown }>,
  exclude: string | null,
): Candidate[] {
  const standing = new Map<string, { bidderId: string; amount: number; order: number }>();
  let order = 0;
  for (const e of events) {
    if (e.type === 'BidPlaced' || e.type === 'SealedBidPlaced') {
      const { bidId, bidderId, amount } = e.data as BidPlaced | SealedBidPlaced;
      standing.set(bidId, { bidderId, amount, order: order++ });
    } else if (e.type === 'BidCancelled') {
      const cancelled = e.data as BidCancelled;
      for (const id of [...cancelled.removedBidIds, ...cancelled.bidIds]) standing.delete(id);
      for (const b of cancelled.placedBids)
        standing.set(b.bidId, {
          bidderId: b.bidderId,
          amount: b.amount,
          order: standing.get(b.bidId)?.order ?? order++,
        });
    }
  }
  const best = new Map<string, { amount: number; order: number }>();
  for (const { bidderId, amount, order: at } of standing.values()) {
    const held = best.get(bidderId);
    if (!held || amount > held.amount || (amount === held.amount && at < held.order))
      best.set(bidderId, { amount, order: held && amount === held.amount ? Math.min(at, held.order) : at });
  }
  return [...best]
    .filter(([bidderId]) => bidderId !== exclude)
    .sort(([, a], [, b]) => b.amount - a.amount || a.order - b.order)
    .map(([bidderId, { amount }]) => ({ bidderId, amount }));
}
