import { checkoutDetailsSchema, invoiceViewSchema, offerViewSchema, PAYMENT_METHODS } from '../../invoicing';
import { uuidSchema, type RouteSpec } from '../../platform';

/** The documents of after the hammer's command routes (api.md, "After the hammer"). */
const withCheckout = {
  ...invoiceViewSchema,
  properties: {
    ...invoiceViewSchema.properties,
    checkout: {
      description:
        'The buyer\u2019s checkout details, to the buyer, the seller and an admin; null when not given or erased',
      oneOf: [checkoutDetailsSchema, { type: 'null' }],
    },
    position: { type: 'string' },
  },
  required: [...invoiceViewSchema.required, 'checkout'],
} as const;
const offerReply = {
  ...offerViewSchema,
  properties: {
    ...offerViewSchema.properties,
    invoiceId: {
      type: 'string',
      format: 'uuid',
      description: 'accept: the invoice it makes (issued in a moment)',
    },
    position: { type: 'string' },
  },
} as const;
const id = { id: uuidSchema };
const busy = { 503: ['BUSY'] };

export const specs = {
  get: {
    method: 'get',
    path: '/invoices/:id',
    params: id,
    operationId: 'getInvoice',
    summary: 'An invoice (its buyer, its seller, an admin)',
    description: 'Read from its stream: always current. Checkout details are opened for these three only.',
    responses: { 200: { description: 'The invoice', schema: withCheckout } },
    problems: { 403: ['NOT_BUYER'], 404: ['INVOICE_NOT_FOUND'] },
  },
  pay: {
    method: 'post',
    path: '/invoices/:id/payments',
    params: id,
    operationId: 'recordPayment',
    summary: 'Record a payment (the seller or an admin)',
    description:
      'Partial payments add up; the invoice is paid once the total is reached. More than is due: 422 OVERPAYMENT (with `due`). A paid or void invoice takes no more. Send the same `paymentId` again and nothing more is recorded.',
    body: {
      type: 'object',
      properties: {
        amount: { type: 'integer', minimum: 1, maximum: 1_000_000_000_000 },
        method: { type: 'string', enum: PAYMENT_METHODS },
        reference: { type: 'string', maxLength: 200 },
        paymentId: { ...uuidSchema, description: 'Your id of this payment, for a safe retry' },
      },
      required: ['amount', 'method'],
      additionalProperties: false,
    },
    responses: { 201: { description: 'The invoice after the payment', schema: withCheckout } },
    problems: {
      403: ['NOT_SELLER'],
      404: ['INVOICE_NOT_FOUND'],
      422: ['OVERPAYMENT', 'INVOICE_PAID', 'INVOICE_VOID'],
      ...busy,
    },
  },
  checkout: {
    method: 'put',
    path: '/invoices/:id/checkout',
    params: id,
    operationId: 'provideCheckout',
    summary: 'Give your checkout details (the buyer)',
    description:
      'Personal data: sealed with a key of your own (AES-256-GCM) before it reaches the log; deleting your account erases the key and, with it, every copy.',
    body: checkoutDetailsSchema,
    responses: { 200: { description: 'The invoice', schema: withCheckout } },
    problems: { 403: ['NOT_BUYER'], 404: ['INVOICE_NOT_FOUND'], 422: ['INVOICE_VOID'], ...busy },
  },
  secondChance: {
    method: 'post',
    path: '/auctions/:id/second-chance',
    params: id,
    operationId: 'offerSecondChance',
    summary: 'Offer the lot to the next bidder (the seller)',
    description:
      'For an auction whose invoice is overdue (the invoice is voided) or whose reserve was not met: an offer to the next highest distinct bidder at their highest bid, open OFFER_TTL_SECONDS; a decline or an expiry offers it to the next. Asking again answers the offer that stands.',
    body: { type: 'object', properties: {}, additionalProperties: false },
    responses: { 201: { description: 'The offer that stands', schema: offerReply } },
    problems: {
      403: ['NOT_SELLER'],
      422: ['SECOND_CHANCE_NOT_AVAILABLE', 'NO_CANDIDATES'],
      ...busy,
    },
  },
} satisfies Record<string, Omit<RouteSpec, 'tag'>>;

export const answerSpec = (action: 'accept' | 'decline'): Omit<RouteSpec, 'tag'> => ({
  method: 'post',
  path: `/offers/:id/${action}`,
  params: id,
  operationId: `${action}Offer`,
  summary: action === 'accept' ? 'Accept a second chance offer' : 'Decline a second chance offer',
  description:
    action === 'accept'
      ? 'Before it expires: an invoice is issued for it (`invoiceId`). Accepting again answers the same.'
      : 'It goes to the next bidder, if any. Declining again answers the same.',
  body: { type: 'object', properties: {}, additionalProperties: false },
  responses: { 200: { description: 'The offer', schema: offerReply } },
  problems: {
    403: ['NOT_OFFERED_TO_YOU'],
    404: ['OFFER_NOT_FOUND'],
    422: ['OFFER_EXPIRED', 'OFFER_NOT_OPEN'],
    ...busy,
  },
});
