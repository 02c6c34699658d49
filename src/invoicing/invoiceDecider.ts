import type { Decider, RecordedEvent } from '../events';
import {
  isInvoiceEventType,
  type InvoiceEvent,
  type InvoiceIssued,
  type PaymentMethod,
  type Sealed,
} from './invoiceEvents';
import { InvoiceRuleError } from './invoiceRuleError';
import { buyersPremium } from './premium';

const INVOICE_PREFIX = 'invoice-';
export const invoiceStreamId = (invoiceId: string) => `${INVOICE_PREFIX}${invoiceId}`;
export const invoiceIdOfStream = (streamId: string) =>
  streamId.startsWith(INVOICE_PREFIX) ? streamId.slice(INVOICE_PREFIX.length) : undefined;

export type InvoiceStatus = 'open' | 'paid' | 'overdue' | 'void';

export interface Payment {
  paymentId: string;
  amount: number;
  method: PaymentMethod;
  reference: string | null;
  recordedBy: string;
  recordedAt: string;
}

export interface Invoice extends Omit<InvoiceIssued, 'issuedAt'> {
  issuedAt: string;
  status: InvoiceStatus;
  payments: Payment[];
  paid: number;
  /** The buyer's checkout details, sealed with their key (null until given). */
  checkout: Sealed | null;
}

/** What an invoice is issued from: a sold auction's close, or an accepted second chance offer. */
export interface InvoiceTerms {
  invoiceId: string;
  auctionId: string;
  saleId: string | null;
  offerId: string | null;
  buyerId: string;
  sellerId: string;
  currency: string;
  hammerPrice: number;
  buyersPremiumPercent: number;
  /** When it was sold (the close, or the acceptance): the deadline counts from there. */
  soldAt: string;
  paymentDueSeconds: number;
}

export type InvoiceCommand =
  | { type: 'IssueInvoice'; data: InvoiceTerms; now: Date }
  | {
      type: 'RecordPayment';
      data: {
        paymentId: string;
        amount: number;
        method: PaymentMethod;
        reference: string | null;
        by: { userId: string; admin: boolean };
      };
      now: Date;
    }
  | { type: 'MarkOverdue'; now: Date }
  | { type: 'VoidInvoice'; data: { reason: 'second_chance' }; now: Date }
  | { type: 'ProvideCheckout'; data: { buyerId: string; details: Sealed }; now: Date };

const due = (invoice: Invoice) => invoice.total - invoice.paid;

function issue(terms: InvoiceTerms, at: string): InvoiceEvent[] {
  const { soldAt, paymentDueSeconds, ...rest } = terms;
  const premium = buyersPremium(terms.hammerPrice, terms.buyersPremiumPercent);
  const dueAt = new Date(Date.parse(soldAt) + paymentDueSeconds * 1000).toISOString();
  return [
    {
      type: 'InvoiceIssued',
      data: { ...rest, buyersPremium: premium, total: terms.hammerPrice + premium, dueAt, issuedAt: at },
    },
  ];
}

function recordPayment(
  invoice: Invoice,
  data: Extract<InvoiceCommand, { type: 'RecordPayment' }>['data'],
  at: string,
): InvoiceEvent[] {
  const { by, paymentId, amount, method, reference } = data;
  if (!by.admin && by.userId !== invoice.sellerId)
    throw new InvoiceRuleError('NOT_SELLER', 'Only the seller or an admin records payments');
  if (invoice.payments.some((p) => p.paymentId === paymentId)) return []; // a retry
  if (invoice.status === 'paid') throw new InvoiceRuleError('INVOICE_PAID', 'This invoice is paid');
  if (invoice.status === 'void') throw new InvoiceRuleError('INVOICE_VOID', 'This invoice is void');
  if (amount > due(invoice))
    throw new InvoiceRuleError('OVERPAYMENT', `At most ${due(invoice)} is due`, { due: due(invoice) });
  const events: InvoiceEvent[] = [
    {
      type: 'PaymentRecorded',
      data: { paymentId, amount, method, reference, recordedBy: by.userId, recordedAt: at },
    },
  ];
  if (amount === due(invoice)) events.push({ type: 'InvoicePaid', data: { paidAt: at } });
  return events;
}

/**
 * Pure. Issuing an issued invoice records nothing (the reactor may run twice); a payment is
 * taken once per paymentId and never beyond what is due; an open invoice becomes overdue only at
 * or after `dueAt` and only once; only an overdue invoice is voided (its lot offered again); the
 * buyer gives checkout details while it is open or overdue, the newest replacing the last.
 */
function decide(command: InvoiceCommand, state: Invoice | null): InvoiceEvent[] {
  const at = command.now.toISOString();
  if (command.type === 'IssueInvoice') return state ? [] : issue(command.data, at);
  if (!state) throw new InvoiceRuleError('INVOICE_NOT_FOUND', 'No such invoice');
  switch (command.type) {
    case 'RecordPayment':
      return recordPayment(state, command.data, at);
    case 'MarkOverdue':
      if (state.status !== 'open' || command.now.getTime() < Date.parse(state.dueAt)) return [];
      return [
        { type: 'InvoiceOverdue', data: { buyerId: state.buyerId, dueAt: state.dueAt, overdueAt: at } },
      ];
    case 'VoidInvoice':
      if (state.status === 'void') return [];
      if (state.status !== 'overdue')
        throw new InvoiceRuleError('INVOICE_NOT_OVERDUE', 'Only an overdue invoice is voided');
      return [{ type: 'InvoiceVoided', data: { reason: command.data.reason, voidedAt: at } }];
    case 'ProvideCheckout':
      if (command.data.buyerId !== state.buyerId)
        throw new InvoiceRuleError('NOT_BUYER', 'Only the buyer gives checkout details');
      if (state.status === 'void') throw new InvoiceRuleError('INVOICE_VOID', 'This invoice is void');
      return [{ type: 'CheckoutDetailsProvided', data: { details: command.data.details, providedAt: at } }];
  }
}

/** Pure: the invoice after one event. */
function evolve(state: Invoice | null, event: InvoiceEvent): Invoice | null {
  if (event.type === 'InvoiceIssued')
    return { ...event.data, status: 'open', payments: [], paid: 0, checkout: null };
  if (!state) return state;
  switch (event.type) {
    case 'PaymentRecorded': {
      const payments = [...state.payments, event.data];
      return { ...state, payments, paid: state.paid + event.data.amount };
    }
    case 'InvoicePaid':
      return { ...state, status: 'paid' };
    case 'InvoiceOverdue':
      return state.status === 'open' ? { ...state, status: 'overdue' } : state;
    case 'InvoiceVoided':
      return { ...state, status: 'void' };
    case 'CheckoutDetailsProvided':
      return { ...state, checkout: event.data.details };
  }
}

export const invoiceDecider: Decider<Invoice | null, InvoiceCommand, InvoiceEvent> = {
  decide,
  evolve,
  initialState: () => null,
};

export const invoiceStreamType = {
  decider: invoiceDecider,
  eventOf: (recorded: Pick<RecordedEvent, 'type' | 'data'>): InvoiceEvent | undefined =>
    isInvoiceEventType(recorded.type)
      ? ({ type: recorded.type, data: recorded.data } as InvoiceEvent)
      : undefined,
};

/** An invoice folded from its events (the read model's and the views' one fold). */
export const foldInvoice = (events: InvoiceEvent[], from: Invoice | null = null) =>
  events.reduce(evolve, from);
