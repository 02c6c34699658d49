import type { Decider, RecordedEvent } from '../events';
import { isOfferEventType, type OfferEvent, type SecondChanceStarted } from './invoiceEvents';
import { InvoiceRuleError } from './invoiceRuleError';

const OFFERS_PREFIX = 'offers-';
export const offersStreamId = (auctionId: string) => `${OFFERS_PREFIX}${auctionId}`;
export const auctionIdOfOffers = (streamId: string) =>
  streamId.startsWith(OFFERS_PREFIX) ? streamId.slice(OFFERS_PREFIX.length) : undefined;

export type OfferStatus = 'open' | 'accepted' | 'declined' | 'expired';

export interface Offer {
  offerId: string;
  auctionId: string;
  sellerId: string;
  bidderId: string;
  amount: number;
  currency: string;
  expiresAt: string;
  madeAt: string;
  status: OfferStatus;
  answeredAt: string | null;
}

/** An auction's second chance: who it may go to, in order, and the offers made so far. */
export interface SecondChance extends Omit<SecondChanceStarted, 'startedAt'> {
  startedAt: string;
  offers: Offer[];
  /** No one left to offer it to. */
  ended: boolean;
}

export type SecondChanceTerms = Omit<SecondChanceStarted, 'startedAt'>;

export type OfferCommand =
  | {
      type: 'StartSecondChance';
      data: { terms: SecondChanceTerms; by: string; offerId: string; offerTtlSeconds: number };
      now: Date;
    }
  | { type: 'AcceptOffer'; data: { offerId: string; bidderId: string }; now: Date }
  | {
      type: 'DeclineOffer';
      data: { offerId: string; bidderId: string; nextOfferId: string; offerTtlSeconds: number };
      now: Date;
    }
  | {
      type: 'ExpireOffer';
      data: { offerId: string; nextOfferId: string; offerTtlSeconds: number };
      now: Date;
    };

export const currentOffer = (state: SecondChance | null) => state?.offers.at(-1);

/** The offer to the next candidate, or the end of the second chance when none is left. */
function offerNext(state: SecondChance, offerId: string, ttlSeconds: number, now: Date): OfferEvent[] {
  const offered = new Set(state.offers.map((o) => o.bidderId));
  const next = state.candidates.find((c) => !offered.has(c.bidderId));
  const at = now.toISOString();
  if (!next) return [{ type: 'SecondChanceEnded', data: { endedAt: at } }];
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
  return [{ type: 'OfferMade', data: { offerId, ...next, expiresAt, madeAt: at } }];
}

function openOffer(state: SecondChance | null, offerId: string): Offer {
  const offer = state?.offers.find((o) => o.offerId === offerId);
  if (!state || !offer) throw new InvoiceRuleError('OFFER_NOT_FOUND', 'No such offer');
  return offer;
}

/**
 * Pure. A second chance starts once per auction (asking again answers what stands), with its
 * first offer to the first candidate; an open offer is accepted by its bidder before it expires,
 * or declined by them, or expired at `expiresAt`; a decline or an expiry offers it to the next
 * candidate, or ends the second chance. Answering an answered offer the same way records nothing.
 */
function decide(command: OfferCommand, state: SecondChance | null): OfferEvent[] {
  const at = command.now.toISOString();
  if (command.type === 'StartSecondChance') {
    const { terms, by, offerId, offerTtlSeconds } = command.data;
    if (by !== terms.sellerId)
      throw new InvoiceRuleError('NOT_SELLER', 'Only the seller offers a second chance');
    if (state) return [];
    if (terms.candidates.length === 0)
      throw new InvoiceRuleError('NO_CANDIDATES', 'No other bidder to offer it to');
    const started: SecondChance = { ...terms, startedAt: at, offers: [], ended: false };
    return [
      { type: 'SecondChanceStarted', data: { ...terms, startedAt: at } },
      ...offerNext(started, offerId, offerTtlSeconds, command.now),
    ];
  }
  const offer = openOffer(state, command.data.offerId);
  const { bidderId, offerId } = offer;
  if (command.type === 'ExpireOffer') {
    if (offer.status !== 'open' || command.now.getTime() < Date.parse(offer.expiresAt)) return [];
    const { nextOfferId, offerTtlSeconds } = command.data;
    return [
      { type: 'OfferExpired', data: { offerId, bidderId, expiredAt: at } },
      ...offerNext(state!, nextOfferId, offerTtlSeconds, command.now),
    ];
  }
  if (command.data.bidderId !== bidderId)
    throw new InvoiceRuleError('NOT_OFFERED_TO_YOU', 'This offer is not yours');
  const answered = command.type === 'AcceptOffer' ? 'accepted' : 'declined';
  if (offer.status === answered) return [];
  if (offer.status !== 'open' || command.now.getTime() >= Date.parse(offer.expiresAt))
    throw new InvoiceRuleError(
      offer.status === 'open' ? 'OFFER_EXPIRED' : 'OFFER_NOT_OPEN',
      `This offer is ${offer.status === 'open' ? 'expired' : offer.status}`,
    );
  if (command.type === 'AcceptOffer')
    return [{ type: 'OfferAccepted', data: { offerId, bidderId, acceptedAt: at } }];
  return [
    { type: 'OfferDeclined', data: { offerId, bidderId, declinedAt: at } },
    ...offerNext(state!, command.data.nextOfferId, command.data.offerTtlSeconds, command.now),
  ];
}

const answer = (state: SecondChance, offerId: string, status: OfferStatus, at: string): SecondChance => ({
  ...state,
  offers: state.offers.map((o) => (o.offerId === offerId ? { ...o, status, answeredAt: at } : o)),
});

/** Pure: the second chance after one event. */
function evolve(state: SecondChance | null, event: OfferEvent): SecondChance | null {
  if (event.type === 'SecondChanceStarted') return { ...event.data, offers: [], ended: false };
  if (!state) return state;
  switch (event.type) {
    case 'OfferMade': {
      const { auctionId, sellerId, currency } = state;
      const offer: Offer = { ...event.data, auctionId, sellerId, currency, status: 'open', answeredAt: null };
      return { ...state, offers: [...state.offers, offer] };
    }
    case 'OfferAccepted':
      return { ...answer(state, event.data.offerId, 'accepted', event.data.acceptedAt), ended: true };
    case 'OfferDeclined':
      return answer(state, event.data.offerId, 'declined', event.data.declinedAt);
    case 'OfferExpired':
      return answer(state, event.data.offerId, 'expired', event.data.expiredAt);
    case 'SecondChanceEnded':
      return { ...state, ended: true };
  }
}

export const offerDecider: Decider<SecondChance | null, OfferCommand, OfferEvent> = {
  decide,
  evolve,
  initialState: () => null,
};

export const offerStreamType = {
  decider: offerDecider,
  eventOf: (recorded: Pick<RecordedEvent, 'type' | 'data'>): OfferEvent | undefined =>
    isOfferEventType(recorded.type)
      ? ({ type: recorded.type, data: recorded.data } as OfferEvent)
      : undefined,
};

export const foldSecondChance = (events: OfferEvent[], from: SecondChance | null = null) =>
  events.reduce(evolve, from);
