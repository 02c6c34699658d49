import type {
  AuctionCreated,
  AuctionEvent,
  AuctionOutcome,
  BidCancelled,
  BidPlaced,
  MaxBidRaised,
} from './auctionEvents';
import { incrementAt } from './increments';

/** The auction as decided: what AuctionCreated said (times in ms), and what happened since. */
export interface Auction extends Omit<AuctionCreated, 'startsAt' | 'endsAt' | 'createdAt'> {
  status: 'active' | 'cancelled' | 'closed';
  startsAt: number;
  endsAt: number;
  createdAt: number;
  /** null until the first bid. */
  currentPrice: number | null;
  leader: { bidderId: string; ceiling: number } | null;
  bidCount: number;
  outcome: AuctionOutcome | null;
  winnerId: string | null;
  finalPrice: number | null;
  /** The lot's photos, in the order they were added. */
  photos: AuctionPhoto[];
  /** A sealed auction's bids, in log order (absent: none, or a state stored before formats). */
  sealedBids?: SealedBid[];
}

export interface SealedBid {
  bidId: string;
  bidderId: string;
  amount: number;
  placedAt: number;
  /** The bids' order in the log, for a tie of equal times. */
  revision: number;
}

export interface AuctionPhoto {
  photoId: string;
  width: number;
  height: number;
}

/** null: the stream has no events yet. */
export type AuctionState = Auction | null;
export const initialState = (): AuctionState => null;

export function minimumBid(auction: Auction): number {
  return auction.currentPrice === null
    ? auction.startingPrice
    : auction.currentPrice + incrementAt(auction.currentPrice, auction.minIncrement, auction.increments);
}

export const isOpenAt = (auction: Auction, now: number) =>
  auction.status === 'active' && auction.startsAt <= now && now < auction.endsAt;

/** Pure: the state after one event. */
export function evolve(state: AuctionState, event: AuctionEvent): AuctionState {
  if (event.type === 'AuctionCreated') return created(event.data);
  if (!state) return state; // events of a stream always start with AuctionCreated
  switch (event.type) {
    case 'BidPlaced':
      return bidPlaced(state, event.data);
    case 'MaxBidRaised':
      return maxBidRaised(state, event.data);
    case 'SealedBidPlaced': {
      const { bidId, bidderId, amount, placedAt } = event.data;
      const sealedBids = state.sealedBids ?? [];
      const bid = { bidId, bidderId, amount, placedAt: Date.parse(placedAt), revision: sealedBids.length };
      return { ...state, sealedBids: [...sealedBids, bid], bidCount: state.bidCount + 1 };
    }
    case 'BidCancelled':
      return bidsCancelled(state, event.data);
    case 'AuctionExtended':
      return { ...state, endsAt: Date.parse(event.data.endsAt) };
    case 'AuctionCancelled':
      return { ...state, status: 'cancelled' };
    case 'AuctionEndingSoon':
      return state; // a notice: the auction itself is as it was
    case 'PhotoAdded': {
      const { photoId, width, height } = event.data;
      return { ...state, photos: [...state.photos, { photoId, width, height }] };
    }
    case 'PhotoRemoved':
      return { ...state, photos: state.photos.filter((p) => p.photoId !== event.data.photoId) };
    case 'AuctionBoughtNow': {
      // The buyer stands at the price; the AuctionClosed right after it closes the auction.
      const { buyerId, price } = event.data;
      return { ...state, currentPrice: price, leader: { bidderId: buyerId, ceiling: price } };
    }
    case 'AuctionClosed':
      return {
        ...state,
        status: 'closed',
        outcome: event.data.outcome,
        winnerId: event.data.winnerId,
        finalPrice: event.data.finalPrice,
      };
    default: {
      const unknown: never = event;
      throw new Error(`Unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

function created(data: AuctionCreated): Auction {
  return {
    status: 'active',
    auctionId: data.auctionId,
    sellerId: data.sellerId,
    title: data.title,
    description: data.description,
    currency: data.currency,
    startingPrice: data.startingPrice,
    reservePrice: data.reservePrice,
    minIncrement: data.minIncrement,
    increments: data.increments ?? null,
    startsAt: Date.parse(data.startsAt),
    endsAt: Date.parse(data.endsAt),
    softClose: data.softClose,
    ...(data.buyNowPrice !== undefined ? { buyNowPrice: data.buyNowPrice } : {}),
    ...(data.saleId !== undefined ? { saleId: data.saleId, lotNumber: data.lotNumber } : {}),
    ...(data.requiresApproval ? { requiresApproval: true } : {}),
    ...(data.format !== undefined && data.format !== 'english' ? { format: data.format } : {}),
    ...(data.dutch !== undefined ? { dutch: data.dutch } : {}),
    createdAt: Date.parse(data.createdAt),
    currentPrice: null,
    leader: null,
    bidCount: 0,
    outcome: null,
    winnerId: null,
    finalPrice: null,
    photos: [],
  };
}

/** A bid's amount is the price it stands at; an outbid bid is followed by the leader's automatic answer. */
function bidPlaced(state: Auction, bid: BidPlaced): Auction {
  const ceiling = Math.max(bid.amount, bid.maxAmount ?? bid.amount);
  const leads = !state.leader || ceiling > state.leader.ceiling || bid.auto;
  return {
    ...state,
    currentPrice: leads ? bid.amount : state.currentPrice,
    leader: leads ? { bidderId: bid.bidderId, ceiling } : state.leader,
    bidCount: state.bidCount + 1,
  };
}

/**
 * The leader's ceiling goes up; the price moves only to a reserve the new ceiling meets (logs of
 * before MaxBidRaised, upcast, rely on that; new ones also record that move as an automatic bid).
 */
function maxBidRaised(state: Auction, raise: MaxBidRaised): Auction {
  if (!state.leader || state.leader.bidderId !== raise.bidderId) return state;
  const ceiling = Math.max(state.leader.ceiling, raise.maxAmount);
  const price = state.currentPrice!;
  const reserve = state.reservePrice;
  const lifted = reserve !== null && ceiling >= reserve ? Math.max(price, reserve) : price;
  return { ...state, currentPrice: lifted, leader: { bidderId: raise.bidderId, ceiling } };
}

/** The auction as the decider recomputed it without the cancelled bids (cancelRules.ts). */
function bidsCancelled(state: Auction, cancelled: BidCancelled): Auction {
  const { currentPrice, leadingBidderId, leaderCeiling, bidCount } = cancelled;
  const gone = new Set(cancelled.bidIds);
  return {
    ...state,
    currentPrice,
    leader:
      leadingBidderId === null
        ? null
        : { bidderId: leadingBidderId, ceiling: leaderCeiling ?? currentPrice ?? 0 },
    bidCount,
    endsAt: Date.parse(cancelled.endsAt),
    ...(state.sealedBids ? { sealedBids: state.sealedBids.filter((b) => !gone.has(b.bidId)) } : {}),
  };
}

export const evolveAll = (events: AuctionEvent[], state: AuctionState = initialState()) =>
  events.reduce(evolve, state);
