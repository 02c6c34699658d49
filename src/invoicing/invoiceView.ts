import type { Invoice } from './invoiceDecider';
import { PAYMENT_METHODS } from './invoiceEvents';
import type { Offer } from './offerDecider';

const uuid = { type: 'string', format: 'uuid' } as const;
const uuidOrNull = { type: ['string', 'null'], format: 'uuid' } as const;
const time = { type: 'string', format: 'date-time' } as const;
const money = { type: 'integer', minimum: 0, description: 'Minor units' } as const;

/** What the buyer gives at checkout: personal data, stored sealed with their key. */
export const checkoutDetailsSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
    address: {
      type: 'object',
      properties: {
        line1: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
        line2: { type: 'string', maxLength: 200 },
        city: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
        postalCode: { type: 'string', minLength: 1, maxLength: 20, pattern: '\\S' },
        country: {
          type: 'string',
          minLength: 2,
          maxLength: 100,
          pattern: '\\S',
          description: 'A country code (ISO 3166-1) or name',
        },
      },
      required: ['line1', 'city', 'postalCode', 'country'],
      additionalProperties: false,
    },
  },
  required: ['name', 'address'],
  additionalProperties: false,
} as const;

export interface CheckoutDetails {
  name: string;
  address: { line1: string; line2?: string; city: string; postalCode: string; country: string };
}

const paymentSchema = {
  type: 'object',
  properties: {
    paymentId: uuid,
    amount: { type: 'integer', minimum: 1 },
    method: { type: 'string', enum: PAYMENT_METHODS },
    reference: { type: ['string', 'null'] },
    recordedBy: uuid,
    recordedAt: time,
  },
  required: ['paymentId', 'amount', 'method', 'reference', 'recordedBy', 'recordedAt'],
  additionalProperties: false,
} as const;

export const invoiceViewSchema = {
  type: 'object',
  properties: {
    invoiceId: uuid,
    auctionId: uuid,
    saleId: uuidOrNull,
    offerId: { ...uuidOrNull, description: 'The second chance offer it was made for (null: the close)' },
    buyerId: uuid,
    sellerId: uuid,
    currency: { type: 'string' },
    hammerPrice: money,
    buyersPremiumPercent: { type: 'number' },
    buyersPremium: { ...money, description: 'Rounded half up to the minor unit' },
    total: money,
    paid: money,
    amountDue: money,
    dueAt: time,
    issuedAt: time,
    status: { type: 'string', enum: ['open', 'paid', 'overdue', 'void'] },
    payments: { type: 'array', items: paymentSchema },
    checkoutProvided: { type: 'boolean' },
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
    'paid',
    'amountDue',
    'dueAt',
    'issuedAt',
    'status',
    'payments',
    'checkoutProvided',
  ],
  additionalProperties: false,
} as const;

/** An invoice as the buyer, the seller and an admin see it (checkout details apart: sealed). */
export const toInvoiceView = (invoice: Invoice) => {
  const { checkout, ...rest } = invoice;
  return { ...rest, amountDue: invoice.total - invoice.paid, checkoutProvided: checkout !== null };
};
export type InvoiceView = ReturnType<typeof toInvoiceView>;

export const offerViewSchema = {
  type: 'object',
  properties: {
    offerId: uuid,
    auctionId: uuid,
    sellerId: uuid,
    bidderId: uuid,
    amount: { ...money, description: "The bidder's highest bid" },
    currency: { type: 'string' },
    expiresAt: time,
    madeAt: time,
    status: { type: 'string', enum: ['open', 'accepted', 'declined', 'expired'] },
    answeredAt: { type: ['string', 'null'], format: 'date-time' },
  },
  required: [
    'offerId',
    'auctionId',
    'sellerId',
    'bidderId',
    'amount',
    'currency',
    'expiresAt',
    'madeAt',
    'status',
    'answeredAt',
  ],
  additionalProperties: false,
} as const;

export const toOfferView = (offer: Offer) => ({ ...offer });
