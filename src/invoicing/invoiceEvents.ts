import type { SchemaObject } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';

const uuid = { type: 'string', format: 'uuid' } as const;
const time = { type: 'string', format: 'date-time' } as const;
const money = { type: 'integer', minimum: 0 } as const;
const base64 = { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$' } as const;

/**
 * After the hammer, as the log records it. An invoice's stream (`invoice-<invoiceId>`): its
 * issue, the payments, its deadline passing, its voiding, and the buyer's checkout details,
 * sealed with the buyer's own key (never in clear). An auction's second chance stream
 * (`offers-<auctionId>`): the bidders it may be offered to, each offer and its answer. Schema and
 * type, one source.
 */
const invoiceIssued = {
  type: 'object',
  properties: {
    invoiceId: uuid,
    auctionId: uuid,
    saleId: { type: ['string', 'null'], format: 'uuid' },
    /** The second chance offer it was made for (null: the close). */
    offerId: { type: ['string', 'null'], format: 'uuid' },
    buyerId: uuid,
    sellerId: uuid,
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    hammerPrice: money,
    /** Two decimals at most, 0..50. */
    buyersPremiumPercent: { type: 'number', minimum: 0, maximum: 50 },
    buyersPremium: money,
    total: money,
    dueAt: time,
    issuedAt: time,
  },
  required: [
    'invoiceId',
    'auctionId',
    'saleId',
    'offerId',
    'buyerId',
    'sellerId',
    'currency',
    'hammerPrice',
    'buyersPremiumPercent',
    'buyersPremium',
    'total',
    'dueAt',
    'issuedAt',
  ],
  additionalProperties: false,
} as const;
export type InvoiceIssued = FromSchema<typeof invoiceIssued>;

export const PAYMENT_METHODS = ['bank_transfer', 'card', 'cash', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

const paymentRecorded = {
  type: 'object',
  properties: {
    paymentId: uuid,
    amount: { type: 'integer', minimum: 1 },
    method: { type: 'string', enum: PAYMENT_METHODS },
    reference: { type: ['string', 'null'], maxLength: 200 },
    recordedBy: uuid,
    recordedAt: time,
  },
  required: ['paymentId', 'amount', 'method', 'reference', 'recordedBy', 'recordedAt'],
  additionalProperties: false,
} as const;
export type PaymentRecorded = FromSchema<typeof paymentRecorded>;

const invoicePaid = {
  type: 'object',
  properties: { paidAt: time },
  required: ['paidAt'],
  additionalProperties: false,
} as const;
export type InvoicePaid = FromSchema<typeof invoicePaid>;

const invoiceOverdue = {
  type: 'object',
  properties: { buyerId: uuid, dueAt: time, overdueAt: time },
  required: ['buyerId', 'dueAt', 'overdueAt'],
  additionalProperties: false,
} as const;
export type InvoiceOverdue = FromSchema<typeof invoiceOverdue>;

const invoiceVoided = {
  type: 'object',
  properties: { reason: { type: 'string', enum: ['second_chance'] }, voidedAt: time },
  required: ['reason', 'voidedAt'],
  additionalProperties: false,
} as const;
export type InvoiceVoided = FromSchema<typeof invoiceVoided>;

/** Personal data, sealed (AES-256-GCM) with the key of `userId`: erasing the key erases it. */
const sealed = {
  type: 'object',
  properties: { userId: uuid, iv: base64, tag: base64, ciphertext: base64 },
  required: ['userId', 'iv', 'tag', 'ciphertext'],
  additionalProperties: false,
} as const;
export type Sealed = FromSchema<typeof sealed>;

const checkoutDetailsProvided = {
  type: 'object',
  properties: { details: sealed, providedAt: time },
  required: ['details', 'providedAt'],
  additionalProperties: false,
} as const;
export type CheckoutDetailsProvided = FromSchema<typeof checkoutDetailsProvided>;

export type InvoiceEvent =
  | { type: 'InvoiceIssued'; data: InvoiceIssued }
  | { type: 'PaymentRecorded'; data: PaymentRecorded }
  | { type: 'InvoicePaid'; data: InvoicePaid }
  | { type: 'InvoiceOverdue'; data: InvoiceOverdue }
  | { type: 'InvoiceVoided'; data: InvoiceVoided }
  | { type: 'CheckoutDetailsProvided'; data: CheckoutDetailsProvided };

const candidate = {
  type: 'object',
  properties: { bidderId: uuid, amount: { type: 'integer', minimum: 1 } },
  required: ['bidderId', 'amount'],
  additionalProperties: false,
} as const;

const secondChanceStarted = {
  type: 'object',
  properties: {
    auctionId: uuid,
    sellerId: uuid,
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    saleId: { type: ['string', 'null'], format: 'uuid' },
    reason: { type: 'string', enum: ['invoice_overdue', 'reserve_not_met'] },
    /** The overdue invoice it replaces (voided), null when the reserve was not met. */
    invoiceId: { type: ['string', 'null'], format: 'uuid' },
    /** In the order they are offered: highest bid first, one per bidder. */
    candidates: { type: 'array', items: candidate },
    startedAt: time,
  },
  required: ['auctionId', 'sellerId', 'currency', 'saleId', 'reason', 'invoiceId', 'candidates', 'startedAt'],
  additionalProperties: false,
} as const;
export type SecondChanceStarted = FromSchema<typeof secondChanceStarted>;

const offerMade = {
  type: 'object',
  properties: {
    offerId: uuid,
    bidderId: uuid,
    amount: { type: 'integer', minimum: 1 },
    expiresAt: time,
    madeAt: time,
  },
  required: ['offerId', 'bidderId', 'amount', 'expiresAt', 'madeAt'],
  additionalProperties: false,
} as const;
export type OfferMade = FromSchema<typeof offerMade>;

const offerAnswer = (at: string) =>
  ({
    type: 'object',
    properties: { offerId: uuid, bidderId: uuid, [at]: time },
    required: ['offerId', 'bidderId', at],
    additionalProperties: false,
  }) as const;
const offerAccepted = offerAnswer('acceptedAt');
const offerDeclined = offerAnswer('declinedAt');
const offerExpired = offerAnswer('expiredAt');
export interface OfferAccepted {
  offerId: string;
  bidderId: string;
  acceptedAt: string;
}
export interface OfferDeclined {
  offerId: string;
  bidderId: string;
  declinedAt: string;
}
export interface OfferExpired {
  offerId: string;
  bidderId: string;
  expiredAt: string;
}

const secondChanceEnded = {
  type: 'object',
  properties: { endedAt: time },
  required: ['endedAt'],
  additionalProperties: false,
} as const;
export type SecondChanceEnded = FromSchema<typeof secondChanceEnded>;

export type OfferEvent =
  | { type: 'SecondChanceStarted'; data: SecondChanceStarted }
  | { type: 'OfferMade'; data: OfferMade }
  | { type: 'OfferAccepted'; data: OfferAccepted }
  | { type: 'OfferDeclined'; data: OfferDeclined }
  | { type: 'OfferExpired'; data: OfferExpired }
  | { type: 'SecondChanceEnded'; data: SecondChanceEnded };

/** JSON schemas (2020-12) of the payloads, by type. */
export const invoiceEventSchemas: Record<InvoiceEvent['type'], SchemaObject> = {
  InvoiceIssued: invoiceIssued,
  PaymentRecorded: paymentRecorded,
  InvoicePaid: invoicePaid,
  InvoiceOverdue: invoiceOverdue,
  InvoiceVoided: invoiceVoided,
  CheckoutDetailsProvided: checkoutDetailsProvided,
};

export const offerEventSchemas: Record<OfferEvent['type'], SchemaObject> = {
  SecondChanceStarted: secondChanceStarted,
  OfferMade: offerMade,
  OfferAccepted: offerAccepted,
  OfferDeclined: offerDeclined,
  OfferExpired: offerExpired,
  SecondChanceEnded: secondChanceEnded,
};

export const isInvoiceEventType = (type: string): type is InvoiceEvent['type'] => type in invoiceEventSchemas;
export const isOfferEventType = (type: string): type is OfferEvent['type'] => type in offerEventSchemas;
