import type { AuctionEvent } from './auctionEvents';
import type { PlaceBidData } from './auctionDecider';
import type { Auction } from './auctionState';
import { incrementAt } from './increments';

/**
 * Proxy bidding. With leader ceiling cL and a new bid of amount a and ceiling c from someone
 * else: if c > cL the newcomer leads at max(a, min(c, cL + inc)); otherwise the leader answers
 * automatically at min(cL, c + inc). A ceiling at or above the reserve lifts the price to it.
 * The bid is open and at least the minimum (the decider checked); a bid that stands at another
 * price than asked records what was asked, so that a cancellation can decide it again.
 */
export function englishBid(bid: PlaceBidData, now: Date, auction: Auction): AuctionEvent[] {
  const ceiling = Math.max(bid.amount, bid.maxAmount ?? bid.amount);
  const placedAt = now.toISOString();
  const placed = (
    bidderId: string,
    amount: number,
    auto: boolean,
    bidId: string,
    maxAmount?: number,
    asked?: number,
  ): AuctionEvent => ({
    type: 'BidPlaced',
    data: {
      bidId,
      bidderId,
      amount,
      ...(asked !== undefined && asked !== amount ? { asked } : {}),
      ...(maxAmount !== undefined ? { maxAmount } : {}),
      auto,
      placedAt,
    },
  });
  const own = (amount: number) => placed(bid.bidderId, amount, false, bid.bidId, ceiling, bid.amount);
  const liftToReserve = (price: number, leaderCeiling: number) =>
    auction.reservePrice !== null && leaderCeiling >= auction.reservePrice
      ? Math.max(price, auction.reservePrice)
      : price;

  const events: AuctionEvent[] = [];
  const leader = auction.leader;
  if (!leader) {
    events.push(own(liftToReserve(bid.amount, ceiling)));
  } else if (leader.bidderId === bid.bidderId) {
    // Not a bid: the leader's ceiling goes up, privately. A reserve it now meets lifts the
    // price, which everyone sees as the leader's automatic bid at the reserve.
    const raised = Math.max(leader.ceiling, ceiling);
    events.push({
      type: 'MaxBidRaised',
      data: { bidId: bid.bidId, bidderId: bid.bidderId, maxAmount: raised, raisedAt: placedAt },
    });
    const price = auction.currentPrice!;
    const lifted = liftToReserve(price, raised);
    if (lifted > price) events.push(placed(bid.bidderId, lifted, true, bid.autoBidId, raised));
  } else if (ceiling > leader.ceiling) {
    const price = Math.max(bid.amount, Math.min(ceiling, stepAbove(auction, leader.ceiling)));
    events.push(own(liftToReserve(price, ceiling)));
  } else {
    events.push(own(bid.amount));
    const answer = Math.min(leader.ceiling, stepAbove(auction, ceiling));
    events.push(
      placed(leader.bidderId, liftToReserve(answer, leader.ceiling), true, bid.autoBidId, leader.ceiling),
    );
  }

  // Only a bid others see extends: a private ceiling raise must not show through the end time.
  const extended = events.some((e) => e.type === 'BidPlaced') && softCloseExtension(auction, now.getTime());
  if (extended) events.push(extended);
  return events;
}

/** One increment above `price`, by the auction's table, its fixed increment or the ladder. */
const stepAbove = (auction: Auction, price: number) =>
  price + incrementAt(price, auction.minIncrement, auction.increments);

function softCloseExtension(auction: Auction, now: number): AuctionEvent | undefined {
  if (!auction.softClose) return undefined;
  const { windowSeconds, extensionSeconds } = auction.softClose;
  if (now < auction.endsAt - windowSeconds * 1000) return undefined;
  const endsAt = now + extensionSeconds * 1000;
  if (endsAt <= auction.endsAt) return undefined;
  return {
    type: 'AuctionExtended',
    data: { endsAt: new Date(endsAt).toISOString(), previousEndsAt: new Date(auction.endsAt).toISOString() },
  };
}
