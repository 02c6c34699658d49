import { randomUUID } from 'node:crypto';
import {
  currentOffer,
  InvoiceRuleError,
  secondChanceCandidates,
  type SecondChanceTerms,
} from '../../invoicing';
import {
  invoiceIdForClose,
  soldOf,
  type AfterHammerSettings,
  type SecondChanceReply,
  type Streams,
} from './afterHammerStreams';

/** What a second chance is offered on: the auction's reason and candidates (undefined: none). */
async function secondChanceTerms(
  s: Streams,
  auctionId: string,
): Promise<{ terms?: SecondChanceTerms; sellerId?: string }> {
  const { state, events, closed } = await soldOf(s.eventStore, auctionId);
  if (!state) return {};
  const base = {
    auctionId,
    sellerId: state.sellerId,
    currency: state.currency,
    saleId: state.saleId ?? null,
  };
  if (closed?.outcome === 'reserve_not_met') {
    const candidates = secondChanceCandidates(events, null);
    return {
      sellerId: state.sellerId,
      terms: { ...base, reason: 'reserve_not_met', invoiceId: null, candidates },
    };
  }
  if (closed?.outcome === 'sold') {
    const invoiceId = invoiceIdForClose(auctionId);
    const invoice = await s.readInvoice(invoiceId);
    if (invoice && (invoice.status === 'overdue' || invoice.status === 'void')) {
      const candidates = secondChanceCandidates(events, closed.winnerId);
      return {
        sellerId: state.sellerId,
        terms: { ...base, reason: 'invoice_overdue', invoiceId, candidates },
      };
    }
  }
  return { sellerId: state.sellerId };
}

/** Second chance offers: the seller's start, the bidder's answer, the deadline's expiry. */
export function secondChances(s: Streams, settings: AfterHammerSettings) {
  const nextOffer = () => ({ nextOfferId: randomUUID(), offerTtlSeconds: settings.offerTtlSeconds });
  return {
    async startSecondChance(auctionId: string, sellerId: string): Promise<SecondChanceReply> {
      const found = await secondChanceTerms(s, auctionId);
      if (found.sellerId && found.sellerId !== sellerId)
        throw new InvoiceRuleError('NOT_SELLER', 'Only the seller offers a second chance');
      if (!found.terms)
        throw new InvoiceRuleError(
          'SECOND_CHANCE_NOT_AVAILABLE',
          'A second chance is for an auction whose invoice is overdue or whose reserve was not met',
        );
      const data = {
        terms: found.terms,
        by: sellerId,
        offerId: randomUUID(),
        offerTtlSeconds: settings.offerTtlSeconds,
      };
      return s.offers(auctionId, sellerId, { type: 'StartSecondChance', now: new Date(), data });
    },
    accept: (auctionId: string, offerId: string, bidderId: string) =>
      s.offers(auctionId, bidderId, { type: 'AcceptOffer', now: new Date(), data: { offerId, bidderId } }),
    decline: (auctionId: string, offerId: string, bidderId: string) =>
      s.offers(auctionId, bidderId, {
        type: 'DeclineOffer',
        now: new Date(),
        data: { offerId, bidderId, ...nextOffer() },
      }),
    expire: (auctionId: string, offerId: string) =>
      s.offers(auctionId, null, { type: 'ExpireOffer', now: new Date(), data: { offerId, ...nextOffer() } }),
    currentOffer,
  };
}
