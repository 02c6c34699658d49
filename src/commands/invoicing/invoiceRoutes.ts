import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import {
  checkoutDetailsSchema,
  InvoiceRuleError,
  invoiceViewSchema,
  offerViewSchema,
  PAYMENT_METHODS,
  toInvoiceView,
  toOfferView,
  type CheckoutDetails,
  type Invoice,
  type InvoiceRuleCode,
  type PaymentMethod,
} from '../../invoicing';
import {
  apiRouter,
  ProblemError,
  uuidSchema,
  type DocumentedRouter,
  type PersonalDataVault,
  type RouteSpec,
} from '../../platform';
import { commandProblem } from '../auction/http/commandProblem';
import { invoiceIdForOffer, type InvoiceCommands } from './invoiceCommands';

interface Deps {
  commands: InvoiceCommands;
  vault: PersonalDataVault;
  /** The auction of an offer, as the read model has it (undefined: no such offer yet). */
  offerAuction(offerId: string): Promise<string | undefined>;
  requireAuth: RequestHandler;
}

/** How each rule after the hammer answers over HTTP: a new code without a line here does not compile. */
const INVOICE_PROBLEMS: Record<InvoiceRuleCode, { status: number; title: string }> = {
  INVOICE_NOT_FOUND: { status: 404, title: 'Invoice not found' },
  NOT_SELLER: { status: 403, title: 'Not the seller' },
  NOT_BUYER: { status: 403, title: 'Not the buyer' },
  INVOICE_PAID: { status: 422, title: 'Invoice paid' },
  INVOICE_VOID: { status: 422, title: 'Invoice void' },
  INVOICE_NOT_OVERDUE: { status: 422, title: 'Invoice not overdue' },
  OVERPAYMENT: { status: 422, title: 'More than is due' },
  SECOND_CHANCE_NOT_AVAILABLE: { status: 422, title: 'No second chance for this auction' },
  NO_CANDIDATES: { status: 422, title: 'No other bidder' },
  OFFER_NOT_FOUND: { status: 404, title: 'Offer not found' },
  NOT_OFFERED_TO_YOU: { status: 403, title: 'Not your offer' },
  OFFER_NOT_OPEN: { status: 422, title: 'Offer answered' },
  OFFER_EXPIRED: { status: 422, title: 'Offer expired' },
};

const problemOf = (error: unknown) => {
  if (!(error instanceof InvoiceRuleError)) return commandProblem(error);
  const { status, title } = INVOICE_PROBLEMS[error.code];
  return new ProblemError(status, error.code, title, error.message, error.details);
};

async function answer(res: Response, status: number, run: () => Promise<{ position?: string } & object>) {
  let reply: { position?: string };
  try {
    reply = await run();
  } catch (error) {
    throw problemOf(error);
  }
  if (reply.position) res.setHeader('X-Event-Position', reply.position);
  res.status(status).json(reply);
}

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

const specs = {
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

const answerSpec = (action: 'accept' | 'decline'): Omit<RouteSpec, 'tag'> => ({
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

/** Invoices, payments, checkout and second chance offers (api.md, "After the hammer"). */
export function invoiceRoutes(deps: Deps): DocumentedRouter {
  const { router, route } = apiRouter();
  const { commands, vault } = deps;
  const common = { tag: 'After the hammer', guards: [deps.requireAuth] };
  const idOf = (req: Request) => String(req.params.id).toLowerCase();
  const isAdmin = (req: Request) => req.auth!.roles.includes('admin');
  const me = (req: Request) => req.auth!.userId;
  const full = async (invoice: Invoice, position?: string) => ({
    ...toInvoiceView(invoice),
    checkout: invoice.checkout
      ? (((await vault.open(invoice.checkout)) as CheckoutDetails | undefined) ?? null)
      : null,
    ...(position ? { position } : {}),
  });

  route({ ...common, ...specs.get }, async (req, res) => {
    const invoice = await commands.read(idOf(req));
    if (!invoice) throw problemOf(new InvoiceRuleError('INVOICE_NOT_FOUND', 'No such invoice'));
    if (![invoice.buyerId, invoice.sellerId].includes(me(req)) && !isAdmin(req))
      throw problemOf(new InvoiceRuleError('NOT_BUYER', 'Not your invoice'));
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(await full(invoice));
  });
  route({ ...common, ...specs.pay }, (req, res) => {
    const body = req.body as {
      amount: number;
      method: PaymentMethod;
      reference?: string;
      paymentId?: string;
    };
    return answer(res, 201, async () => {
      const reply = await commands.recordPayment(
        idOf(req),
        { userId: me(req), admin: isAdmin(req) },
        {
          amount: body.amount,
          method: body.method,
          reference: body.reference ?? null,
          paymentId: body.paymentId?.toLowerCase() ?? randomUUID(),
        },
      );
      return full(reply.invoice, reply.position);
    });
  });
  route({ ...common, ...specs.checkout }, (req, res) => {
    res.setHeader('Cache-Control', 'private, no-store');
    return answer(res, 200, async () => {
      const reply = await commands.provideCheckout(idOf(req), me(req), req.body as CheckoutDetails);
      return full(reply.invoice, reply.position);
    });
  });
  route({ ...common, ...specs.secondChance }, (req, res) =>
    answer(res, 201, async () => {
      const reply = await commands.startSecondChance(idOf(req), me(req));
      const offer = commands.currentOffer(reply.secondChance);
      if (!offer) throw new InvoiceRuleError('NO_CANDIDATES', 'No other bidder to offer it to');
      return { ...toOfferView(offer), position: reply.position };
    }),
  );
  const offerAnswer = (action: 'accept' | 'decline') => (req: Request, res: Response) =>
    answer(res, 200, async () => {
      const offerId = idOf(req);
      const auctionId = await deps.offerAuction(offerId);
      if (!auctionId) throw new InvoiceRuleError('OFFER_NOT_FOUND', 'No such offer');
      const reply = await commands[action](auctionId, offerId, me(req));
      const offer = reply.secondChance.offers.find((o) => o.offerId === offerId)!;
      return {
        ...toOfferView(offer),
        ...(offer.status === 'accepted' ? { invoiceId: invoiceIdForOffer(offerId) } : {}),
        position: reply.position,
      };
    });
  route({ ...common, ...answerSpec('accept') }, offerAnswer('accept'));
  route({ ...common, ...answerSpec('decline') }, offerAnswer('decline'));
  return router;
}
