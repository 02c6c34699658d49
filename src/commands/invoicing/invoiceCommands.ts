import { type AccountStanding } from '../../bidders';
import type { EventStore } from '../../events';
import { InvoiceRuleError, type InvoiceTerms, type PaymentMethod } from '../../invoicing';
import { type PersonalDataVault } from '../../platform';
import {
  afterHammerStreams,
  invoiceIdForClose,
  invoiceIdForOffer,
  soldOf,
  type AfterHammerSettings,
  type InvoiceReply,
  type Streams,
} from './afterHammerStreams';
import { secondChances } from './secondChances';

export {
  type AfterHammerSettings,
  invoiceIdForClose,
  invoiceIdForOffer,
  type InvoiceReply,
  type SecondChanceReply,
} from './afterHammerStreams';

/** The reactor's commands: an invoice per sold close and per accepted offer, its deadline, a strike. */
function issuing(s: Streams, settings: AfterHammerSettings) {
  const issue = async (terms: Omit<InvoiceTerms, 'buyersPremiumPercent' | 'paymentDueSeconds'>) =>
    s.invoice(terms.invoiceId, null, {
      type: 'IssueInvoice',
      now: new Date(),
      data: {
        ...terms,
        buyersPremiumPercent: await s.premiumOf(terms.saleId),
        paymentDueSeconds: settings.paymentDueSeconds,
      },
    });
  return {
    /** The invoice of a sold auction's close: undefined when it did not sell. */
    async issueForClose(auctionId: string): Promise<InvoiceReply | undefined> {
      const { state, closed } = await soldOf(s.eventStore, auctionId);
      if (!state || closed?.outcome !== 'sold' || !closed.winnerId || closed.finalPrice === null)
        return undefined;
      const invoiceId = invoiceIdForClose(auctionId);
      const { saleId, sellerId, currency } = state;
      const { winnerId: buyerId, finalPrice: hammerPrice, closedAt: soldAt } = closed;
      return issue({
        invoiceId,
        auctionId,
        saleId: saleId ?? null,
        offerId: null,
        buyerId,
        sellerId,
        currency,
        hammerPrice,
        soldAt,
      });
    },
    /** The invoice of an accepted second chance offer. */
    async issueForOffer(auctionId: string, offerId: string): Promise<InvoiceReply | undefined> {
      const chance = await s.readSecondChance(auctionId);
      const offer = chance?.offers.find((o) => o.offerId === offerId);
      if (!chance || !offer || offer.status !== 'accepted') return undefined;
      const { saleId, sellerId, currency } = chance;
      return issue({
        invoiceId: invoiceIdForOffer(offerId),
        auctionId,
        saleId,
        offerId,
        buyerId: offer.bidderId,
        sellerId,
        currency,
        hammerPrice: offer.amount,
        soldAt: offer.answeredAt!,
      });
    },
    markOverdue: (invoiceId: string) => s.invoice(invoiceId, null, { type: 'MarkOverdue', now: new Date() }),
    voidInvoice: (invoiceId: string) =>
      s.invoice(invoiceId, null, { type: 'VoidInvoice', now: new Date(), data: { reason: 'second_chance' } }),
    /** One strike for an overdue invoice; the one that reaches MAX_STRIKES suspends the buyer. */
    recordStrike: (buyerId: string, invoiceId: string): Promise<AccountStanding> =>
      s.account(buyerId, {
        type: 'RecordStrike',
        now: new Date(),
        data: { invoiceId, maxStrikes: settings.maxStrikes },
      }),
  };
}

/** The people's commands on an invoice: the seller's payments, the buyer's checkout. */
function invoiceActions(s: Streams, vault: PersonalDataVault) {
  return {
    read: s.readInvoice,
    recordPayment: (
      invoiceId: string,
      by: { userId: string; admin: boolean },
      body: { paymentId: string; amount: number; method: PaymentMethod; reference: string | null },
    ) => s.invoice(invoiceId, by.userId, { type: 'RecordPayment', now: new Date(), data: { ...body, by } }),
    /** Sealed with the buyer's key before the command: the log never sees it in clear. */
    async provideCheckout(invoiceId: string, buyerId: string, details: unknown) {
      const current = await s.readInvoice(invoiceId);
      if (!current) throw new InvoiceRuleError('INVOICE_NOT_FOUND', 'No such invoice');
      if (current.buyerId !== buyerId)
        throw new InvoiceRuleError('NOT_BUYER', 'Only the buyer gives checkout details');
      const sealed = await vault.seal(buyerId, details);
      return s.invoice(invoiceId, buyerId, {
        type: 'ProvideCheckout',
        now: new Date(),
        data: { buyerId, details: sealed },
      });
    },
  };
}

/**
 * After the hammer's commands, each on its stream through the one command handler: invoices
 * (`invoice-<id>`), second chances (`offers-<auctionId>`), strikes (the buyer's user stream).
 */
export function getInvoiceCommands(
  eventStore: EventStore,
  vault: PersonalDataVault,
  settings: AfterHammerSettings,
) {
  const s = afterHammerStreams(eventStore);
  return { ...issuing(s, settings), ...invoiceActions(s, vault), ...secondChances(s, settings) };
}

export type InvoiceCommands = ReturnType<typeof getInvoiceCommands>;
