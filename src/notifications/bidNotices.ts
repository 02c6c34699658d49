import type { BidCancelled, BidPlaced } from '../auction';
import type { AuctionFacts, NotificationKind } from './notificationRules';

/** Who a bid outbids, and whose own bid the leader's proxy answered (told with that answer). */
export function outbidBy(bid: BidPlaced, before: AuctionFacts | undefined, leaderAfter: string | undefined) {
  const leaderBefore = before?.state.leader?.bidderId;
  const outbid = new Set<string>();
  if (leaderBefore && leaderAfter !== leaderBefore) outbid.add(leaderBefore);
  if (before?.answered && before.answered !== leaderAfter) outbid.add(before.answered);
  const answered = !bid.auto && leaderAfter !== bid.bidderId ? bid.bidderId : null;
  return { outbid, answered };
}

/**
 * A cancellation: as if they had never bid, the bidder is told and leaves the auction's bidders;
 * whoever leads again (and did not lead just before) is told so.
 */
export function cancelNotices(cancelled: BidCancelled, before: AuctionFacts | undefined) {
  const { bidderId, leadingBidderId } = cancelled;
  const notices: Array<[NotificationKind, string[]]> = [['bid_cancelled', [bidderId]]];
  if (leadingBidderId && leadingBidderId !== before?.state.leader?.bidderId)
    notices.push(['leading_again', [leadingBidderId]]);
  return { notices, gone: bidderId };
}
