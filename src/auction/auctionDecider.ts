import type { AuctionClosed, AuctionCreated, AuctionEvent } from './auctionEvents';
import { AuctionRuleError } from './auctionRuleError';
import type { Decider } from '../events';
import { evolve, initialState, minimumBid, type Auction, type AuctionState } from './auctionState';
import { incrementTableError } from './increments';
import { englishBid } from './englishRules';
import { addPhoto, removePhoto, type AddPhotoData } from './photoRules';
import { pushLot } from './lotRules';
import { buyNow, buyNowPriceError, type BuyNowData } from './buyNowRules';
import * as formats from './formatRules';
import { cancelBids, type CancelBidsData } from './cancelRules';
import { checkEligible, type BidderEligibility } from './eligibility';

export type CreateAuctionData = Omit<AuctionCreated, 'createdAt'>;

export interface PlaceBidData {
  bidId: string;
  /** Id for the automatic answer of a standing proxy bid, should there be one. */
  autoBidId: string;
  bidderId: string;
  amount: number;
  maxAmount?: number;
  /** Whether the bidder may bid here (absent: not checked, as in replays of the log). */
  eligibility?: BidderEligibility;
}

export type AuctionCommand =
  | { type: 'CreateAuction'; data: CreateAuctionData; now: Date }
  | { type: 'PlaceBid'; data: PlaceBidData; now: Date }
  | { type: 'CancelAuction'; data: { userId: string; reason?: string }; now: Date }
  | { type: 'CloseAuction'; now: Date }
  | { type: 'MarkEndingSoon'; data: { withinSeconds: number }; now: Date }
  | { type: 'AddPhoto'; data: AddPhotoData; now: Date }
  | { type: 'RemovePhoto'; data: { userId: string; photoId: string }; now: Date }
  | { type: 'PushLot'; data: { endsAt: number }; now: Date }
  | { type: 'BuyNow'; data: BuyNowData; now: Date }
  /** `history`: the auction's stream, in today's shapes (a cancellation decides the bids again). */
  | { type: 'CancelBids'; data: CancelBidsData; history: AuctionEvent[]; now: Date };

/** How far ahead an auction may end: a rule of the decider, and only of it. */
export const MAX_DURATION_MS = 90 * 24 * 3600 * 1000;

/** Pure: the events a command produces, or an AuctionRuleError. `now` comes with the command. */
export function decide(command: AuctionCommand, state: AuctionState): AuctionEvent[] {
  switch (command.type) {
    case 'CreateAuction':
      return createAuction(command.data, command.now, state);
    case 'PlaceBid':
      return placeBid(command.data, command.now, existing(state));
    case 'CancelAuction':
      return cancelAuction(command.data, command.now, existing(state));
    case 'CloseAuction':
      return closeAuction(command.now, existing(state));
    case 'MarkEndingSoon':
      return markEndingSoon(command.data.withinSeconds, command.now, existing(state));
    case 'AddPhoto':
      return addPhoto(command.data, command.now, existing(state));
    case 'RemovePhoto':
      return removePhoto(command.data, command.now, existing(state));
    case 'PushLot':
      return pushLot(command.data.endsAt, existing(state));
    case 'BuyNow':
      return buyNow(command.data, command.now, existing(state));
    case 'CancelBids':
      return cancelBids(command.data, command.history, command.now, existing(state));
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function existing(state: AuctionState): Auction {
  if (!state) throw new AuctionRuleError('AUCTION_NOT_FOUND', 'No such auction');
  return state;
}

function createAuction(data: CreateAuctionData, now: Date, state: AuctionState): AuctionEvent[] {
  if (state) throw new AuctionRuleError('AUCTION_ALREADY_EXISTS', 'The auction exists already');
  const startsAt = Date.parse(data.startsAt);
  const endsAt = Date.parse(data.endsAt);
  const refuse = (field: string, message: string) =>
    new AuctionRuleError('INVALID_SCHEDULE', `${field} ${message}`, { field, message });
  if (!(endsAt > startsAt)) throw refuse('endsAt', 'must be after startsAt');
  // A lot's end was planned by its sale when the lot was added; its auction may be created later
  // (by the sale's process manager, after a crash) and then closes at once.
  if (data.saleId === undefined) {
    if (endsAt <= now.getTime()) throw refuse('endsAt', 'must be in the future');
    if (endsAt > now.getTime() + MAX_DURATION_MS) throw refuse('endsAt', 'must be at most 90 days ahead');
  }
  // An auction lasts at most as long as it may run ahead: this also keeps startsAt within what
  // every store of time can hold (year 0000 is valid RFC 3339, and PostgreSQL refuses it).
  if (endsAt - startsAt > MAX_DURATION_MS) throw refuse('startsAt', 'must be at most 90 days before endsAt');
  if (data.reservePrice !== null && data.reservePrice < data.startingPrice) {
    throw refuse('reservePrice', 'must be at least startingPrice');
  }
  const wrongBuyNow = buyNowPriceError(data);
  if (wrongBuyNow) throw refuse('buyNowPrice', wrongBuyNow);
  const wrongFormat = formats.formatTermsError(data);
  if (wrongFormat) throw refuse(wrongFormat.field, wrongFormat.message);
  if (data.increments) {
    if (data.minIncrement !== null) throw refuse('increments', 'give increments or minIncrement, not both');
    const wrong = incrementTableError(data.increments);
    if (wrong) throw refuse('increments', wrong);
  }
  const ends = formats.endsAtFor(data, startsAt, endsAt);
  const created = { ...data, endsAt: new Date(ends).toISOString(), createdAt: now.toISOString() };
  return [{ type: 'AuctionCreated', data: created }];
}

function placeBid(bid: PlaceBidData, now: Date, auction: Auction): AuctionEvent[] {
  checkEligible(bid.eligibility, auction);
  formats.checkMayBid(auction, bid.bidderId, now, () => notOpenReason(auction, now));
  if (formats.isSealed(auction)) return formats.placeSealedBid(bid, now, auction);
  if (formats.formatOf(auction) === 'dutch') return formats.placeDutchBid(bid, now, auction);
  const minimum = minimumBid(auction);
  if (bid.amount < minimum) {
    throw new AuctionRuleError('BID_TOO_LOW', `The minimum bid is ${minimum}`, { minimumBid: minimum });
  }
  return englishBid(bid, now, auction);
}

function notOpenReason(auction: Auction, now: Date): string {
  if (auction.status === 'cancelled') return 'The auction was cancelled';
  if (auction.status === 'closed') return 'The auction is closed';
  if (now.getTime() < auction.startsAt) return 'The auction has not started';
  return 'The auction has ended';
}

function cancelAuction(
  data: { userId: string; reason?: string },
  now: Date,
  auction: Auction,
): AuctionEvent[] {
  if (data.userId !== auction.sellerId)
    throw new AuctionRuleError('NOT_SELLER', 'Only the seller may cancel');
  if (auction.status !== 'active' || now.getTime() >= auction.endsAt) {
    throw new AuctionRuleError('AUCTION_NOT_OPEN', notOpenReason(auction, now));
  }
  if (auction.bidCount > 0)
    throw new AuctionRuleError('AUCTION_HAS_BIDS', 'An auction with bids cannot be cancelled');
  return [
    { type: 'AuctionCancelled', data: { reason: data.reason ?? null, cancelledAt: now.toISOString() } },
  ];
}

function closeAuction(now: Date, auction: Auction): AuctionEvent[] {
  if (auction.status !== 'active')
    throw new AuctionRuleError('AUCTION_NOT_OPEN', notOpenReason(auction, now));
  if (now.getTime() < auction.endsAt)
    throw new AuctionRuleError('AUCTION_NOT_ENDED', 'The auction has not ended yet');
  return [{ type: 'AuctionClosed', data: closing(auction, now) }];
}

/**
 * The notice that an open auction ends within `withinSeconds`. Too early (an extension moved the
 * end away since it was planned) is refused; the scheduler sends it again for the new end.
 * Once per auction is the caller's part (an idempotency key).
 */
function markEndingSoon(withinSeconds: number, now: Date, auction: Auction): AuctionEvent[] {
  if (auction.status !== 'active' || now.getTime() >= auction.endsAt)
    throw new AuctionRuleError('AUCTION_NOT_OPEN', notOpenReason(auction, now));
  if (now.getTime() < auction.endsAt - withinSeconds * 1000)
    throw new AuctionRuleError('NOT_ENDING_SOON', `The auction ends more than ${withinSeconds} s from now`);
  return [
    {
      type: 'AuctionEndingSoon',
      data: { endsAt: new Date(auction.endsAt).toISOString(), withinSeconds, noticedAt: now.toISOString() },
    },
  ];
}

function closing(auction: Auction, now: Date): AuctionClosed {
  const closedAt = now.toISOString();
  if (formats.isSealed(auction)) return formats.sealedClosing(auction, closedAt);
  if (!auction.leader || auction.currentPrice === null) {
    return { outcome: 'no_bids', winnerId: null, finalPrice: null, closedAt };
  }
  if (auction.reservePrice !== null && auction.currentPrice < auction.reservePrice) {
    return { outcome: 'reserve_not_met', winnerId: null, finalPrice: null, closedAt };
  }
  return { outcome: 'sold', winnerId: auction.leader.bidderId, finalPrice: auction.currentPrice, closedAt };
}

/** The auction stream's decider, in the one shape every stream type has. */
export const auctionDecider: Decider<AuctionState, AuctionCommand, AuctionEvent> = {
  decide,
  evolve,
  initialState,
};
