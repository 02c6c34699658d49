/**
 * The bid box's rules, pure: what it suggests as the price moves, the quick bids, and what the
 * result line says as the auction goes on after a bid.
 */
import type { AuctionView } from '../types';
import { money, toMajorText, toMinor } from '../format';
import { incrementAt } from '../../../src/auction/increments';

/** The next bids the increments allow: the minimum, and one increment above it. */
export function quickBids(
  view: Pick<AuctionView, 'minimumBid' | 'minIncrement' | 'increments' | 'status'>,
): number[] {
  if (view.status !== 'open' || view.minimumBid === null) return [];
  return [
    view.minimumBid,
    view.minimumBid + incrementAt(view.minimumBid, view.minIncrement, view.increments),
  ];
}

/** The increment the next bid goes up by (the auction's table's, its fixed one, or the ladder's at this price). */
export const bidIncrement = (
  view: Pick<AuctionView, 'currentPrice' | 'startingPrice' | 'minIncrement' | 'increments'>,
) => incrementAt(view.currentPrice ?? view.startingPrice, view.minIncrement, view.increments);

/**
 * What the box shows when the minimum moves: the new minimum, unless the person is typing, or
 * typed an amount that is still enough.
 */
export function suggestedAmount(
  box: { text: string; edited: boolean; focused: boolean },
  minimumBid: number | null,
) {
  if (minimumBid === null) return box.text;
  if (box.edited && box.focused) return box.text;
  if (box.edited && toMinor(box.text) >= minimumBid) return box.text;
  return toMajorText(minimumBid);
}

export type BidResult =
  | { kind: 'leading'; price: number }
  | { kind: 'outbid-at-once'; price: number }
  | { kind: 'raised'; price: number; maxAmount: number }
  /** Bought now (or a Dutch auction taken): the page's outcome says it ("You won"), nothing more to add. */
  | { kind: 'bought'; price: number }
  /** A sealed bid recorded: where it stands is nobody's to know until the close. */
  | { kind: 'sealed'; amount: number }
  | { kind: 'refused'; text: string }
  /** Another action on the auction (a bid cancelled, bids retracted): its sentence. */
  | { kind: 'done'; text: string };

/**
 * The result line as the auction stands now: "You lead" only while you do and it is open; once
 * someone else leads, that you were outbid; after the close the page's outcome says it all.
 */
export function resultLine(result: BidResult | undefined, view: AuctionView, me: string | undefined) {
  if (!result) return undefined;
  if (result.kind === 'refused') return { text: result.text, error: true };
  if (result.kind === 'done') return { text: result.text, error: false };
  if (view.status !== 'open') return undefined;
  if (result.kind === 'sealed')
    return {
      text: `Your sealed bid of ${money(result.amount, view.currency)} is in. Nobody else sees it; the result comes at the end.`,
      error: false,
    };
  const leads = view.leadingBidderId === me;
  const price = money(view.currentPrice, view.currency);
  if (!leads && result.kind === 'outbid-at-once')
    return { text: `Recorded, but an automatic bid answered it: the price is now ${price}.`, error: false };
  if (!leads) return { text: `You have been outbid: the price is now ${price}.`, error: false };
  if (result.kind === 'raised')
    return {
      text: `You still lead at ${price}; your maximum is now ${money(result.maxAmount, view.currency)} (only you see it).`,
      error: false,
    };
  return { text: `You lead at ${price}.`, error: false };
}
