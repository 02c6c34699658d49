import { randomUUID } from 'node:crypto';
import { auctionStreamId, foldAuction, type AuctionClosed } from '../../auction';
import { accountStreamType, type AccountStanding } from '../../bidders';
import type { EventStore } from '../../events';
import {
  currentOffer,
  invoiceStreamId,
  invoiceStreamType,
  InvoiceRuleError,
  offersStreamId,
  offerStreamType,
  secondChanceCandidates,
  type Invoice,
  type InvoiceCommand,
  type OfferCommand,
  type PaymentMethod,
  type SecondChance,
  type SecondChanceTerms,
} from '../../invoicing';
import { nameUuids, type PersonalDataVault } from '../../platform';
import { saleStreamId, saleStreamType, type Sale } from '../../sales';
import { userStreamId } from '../../watching';
import { foldStream, getStreamCommands } from '../streamCommands';

export interface AfterHammerSettings {
  /** From the close (or the acceptance) to the deadline. */
  paymentDueSeconds: number;
  offerTtlSeconds: number;
  maxStrikes: number;
}

// Fixed: an invoice's id is a function of what it is for, so every instance, every retry and
// every replay of the reactor names the same stream, and the second append finds it there.
const invoiceUuid = nameUuids('8d3f6b2a-51c4-4e8a-b7d9-2c6a1f0e9b35');
export const invoiceIdForClose = (auctionId: string) => invoiceUuid(`close/${auctionId}`);
export const invoiceIdForOffer = (offerId: string) => invoiceUuid(`offer/${offerId}`);

export type InvoiceReply = { invoice: Invoice; position: string | undefined };
export type SecondChanceReply = { secondChance: SecondChance; position: string | undefined };

/** A sold auction's close, read from its stream: who bought, at what, when (undefined: not sold). */
async function soldOf(eventStore: EventStore, auctionId: string) {
  const events = await eventStore.readStream(auctionStreamId(auctionId));
  const { state } = foldAuction(events);
  const closed = events.findLast((e) => e.type === 'AuctionClosed')?.data as AuctionClosed | undefined;
  return { events, state, closed };
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
  const commands = getStreamCommands(eventStore);
  const meta = (commandType: string, userId: string | null) => ({
    commandType,
    userId,
    correlationId: randomUUID(),
  });
  const invoice = async (
    invoiceId: string,
    by: string | null,
    command: InvoiceCommand,
  ): Promise<InvoiceReply> => {
    const outcome = await commands.handle(
      invoiceStreamType,
      invoiceStreamId(invoiceId),
      command,
      meta(command.type, by),
    );
    if (!outcome.state) throw new InvoiceRuleError('INVOICE_NOT_FOUND', 'No such invoice');
    return { invoice: outcome.state, position: outcome.position };
  };
  const offers = async (
    auctionId: string,
    by: string | null,
    command: OfferCommand,
  ): Promise<SecondChanceReply> => {
    const outcome = await commands.handle(
      offerStreamType,
      offersStreamId(auctionId),
      command,
      meta(command.type, by),
    );
    return { secondChance: outcome.state!, position: outcome.position };
  };
  const premiumOf = async (saleId: string | null | undefined) =>
    saleId
      ? (((await foldStream(eventStore, saleStreamType, saleStreamId(saleId))) as Sale | null)
          ?.buyersPremiumPercent ?? 0)
      : 0;
  const nextOffer = () => ({ nextOfferId: randomUUID(), offerTtlSeconds: settings.offerTtlSeconds });

  return {
    settings,
    /** The invoice of a sold auction's close (the reactor's): undefined when it did not sell. */
    async issueForClose(auctionId: string): Promise<InvoiceReply | undefined> {
      const { state, closed } = await soldOf(eventStore, auctionId);
      if (!state || !closed || closed.outcome !== 'sold' || !closed.winnerId || closed.finalPrice === null)
        return undefined;
      const invoiceId = invoiceIdForClose(auctionId);
      return invoice(invoiceId, null, {
        type: 'IssueInvoice',
        now: new Date(),
        data: {
          invoiceId,
          auctionId,
          saleId: state.saleId ?? null,
          offerId: null,
          buyerId: closed.winnerId,
          sellerId: state.sellerId,
          currency: state.currency,
          hammerPrice: closed.finalPrice,
          buyersPremiumPercent: await premiumOf(state.saleId),
          soldAt: closed.closedAt,
          paymentDueSeconds: settings.paymentDueSeconds,
        },
      });
    },
    /** The invoice of an accepted second chance offer (the reactor's). */
    async issueForOffer(auctionId: string, offerId: string): Promise<InvoiceReply | undefined> {
      const chance = await foldStream(eventStore, offerStreamType, offersStreamId(auctionId));
      const offer = chance?.offers.find((o) => o.offerId === offerId);
      if (!chance || !offer || offer.status !== 'accepted') return undefined;
      const invoiceId = invoiceIdForOffer(offerId);
      return invoice(invoiceId, null, {
        type: 'IssueInvoice',
        now: new Date(),
        data: {
          invoiceId,
          auctionId,
          saleId: chance.saleId,
          offerId,
          buyerId: offer.bidderId,
          sellerId: chance.sellerId,
          currency: chance.currency,
          hammerPrice: offer.amount,
          buyersPremiumPercent: await premiumOf(chance.saleId),
          soldAt: offer.answeredAt!,
          paymentDueSeconds: settings.paymentDueSeconds,
        },
      });
    },
    read: (invoiceId: string) => foldStream(eventStore, invoiceStreamType, invoiceStreamId(invoiceId)),
    recordPayment(
      invoiceId: string,
      by: { userId: string; admin: boolean },
      body: { paymentId: string; amount: number; method: PaymentMethod; reference: string | null },
    ) {
      return invoice(invoiceId, by.userId, { type: 'RecordPayment', now: new Date(), data: { ...body, by } });
    },
    markOverdue: (invoiceId: string) => invoice(invoiceId, null, { type: 'MarkOverdue', now: new Date() }),
    voidInvoice: (invoiceId: string) =>
      invoice(invoiceId, null, { type: 'VoidInvoice', now: new Date(), data: { reason: 'second_chance' } }),
    async provideCheckout(invoiceId: string, buyerId: string, details: unknown) {
      const current = await foldStream(eventStore, invoiceStreamType, invoiceStreamId(invoiceId));
      if (!current) throw new InvoiceRuleError('INVOICE_NOT_FOUND', 'No such invoice');
      if (current.buyerId !== buyerId)
        throw new InvoiceRuleError('NOT_BUYER', 'Only the buyer gives checkout details');
      const sealed = await vault.seal(buyerId, details);
      return invoice(invoiceId, buyerId, {
        type: 'ProvideCheckout',
        now: new Date(),
        data: { buyerId, details: sealed },
      });
    },
    /** One strike for an overdue invoice; the one that reaches MAX_STRIKES suspends the buyer. */
    async recordStrike(buyerId: string, invoiceId: string): Promise<AccountStanding> {
      const outcome = await commands.handle(
        accountStreamType,
        userStreamId(buyerId),
        { type: 'RecordStrike', now: new Date(), data: { invoiceId, maxStrikes: settings.maxStrikes } },
        meta('RecordStrike', null),
      );
      return outcome.state;
    },
    /** The seller offers an auction to the next bidders: its invoice overdue, or its reserve not met. */
    async startSecondChance(auctionId: string, sellerId: string): Promise<SecondChanceReply> {
      const { state, events, closed } = await soldOf(eventStore, auctionId);
      if (!state) throw new InvoiceRuleError('SECOND_CHANCE_NOT_AVAILABLE', 'No such auction');
      let terms: SecondChanceTerms | undefined;
      const base = {
        auctionId,
        sellerId: state.sellerId,
        currency: state.currency,
        saleId: state.saleId ?? null,
      };
      if (closed?.outcome === 'reserve_not_met')
        terms = {
          ...base,
          reason: 'reserve_not_met',
          invoiceId: null,
          candidates: secondChanceCandidates(events, null),
        };
      else if (closed?.outcome === 'sold') {
        const invoiceId = invoiceIdForClose(auctionId);
        const current = await foldStream(eventStore, invoiceStreamType, invoiceStreamId(invoiceId));
        if (current && (current.status === 'overdue' || current.status === 'void'))
          terms = {
            ...base,
            reason: 'invoice_overdue',
            invoiceId,
            candidates: secondChanceCandidates(events, closed.winnerId),
          };
      }
      if (!terms) {
        if (state.sellerId !== sellerId)
          throw new InvoiceRuleError('NOT_SELLER', 'Only the seller offers a second chance');
        throw new InvoiceRuleError(
          'SECOND_CHANCE_NOT_AVAILABLE',
          'A second chance is for an auction whose invoice is overdue or whose reserve was not met',
        );
      }
      return offers(auctionId, sellerId, {
        type: 'StartSecondChance',
        now: new Date(),
        data: { terms, by: sellerId, offerId: randomUUID(), offerTtlSeconds: settings.offerTtlSeconds },
      });
    },
    accept: (auctionId: string, offerId: string, bidderId: string) =>
      offers(auctionId, bidderId, { type: 'AcceptOffer', now: new Date(), data: { offerId, bidderId } }),
    decline: (auctionId: string, offerId: string, bidderId: string) =>
      offers(auctionId, bidderId, {
        type: 'DeclineOffer',
        now: new Date(),
        data: { offerId, bidderId, ...nextOffer() },
      }),
    expire: (auctionId: string, offerId: string) =>
      offers(auctionId, null, { type: 'ExpireOffer', now: new Date(), data: { offerId, ...nextOffer() } }),
    readSecondChance: (auctionId: string) =>
      foldStream(eventStore, offerStreamType, offersStreamId(auctionId)),
    currentOffer,
  };
}

export type InvoiceCommands = ReturnType<typeof getInvoiceCommands>;
