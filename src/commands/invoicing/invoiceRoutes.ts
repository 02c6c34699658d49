import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import {
  InvoiceRuleError,
  toInvoiceView,
  toOfferView,
  type CheckoutDetails,
  type Invoice,
  type InvoiceRuleCode,
  type PaymentMethod,
} from '../../invoicing';
import { apiRouter, ProblemError, type DocumentedRouter, type PersonalDataVault } from '../../platform';
import { commandProblem } from '../auction/http/commandProblem';
import { invoiceIdForOffer, type InvoiceCommands } from './invoiceCommands';
import { answerSpec, specs } from './invoiceSpecs';

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

/** An invoice: its view, the seller's payments, the buyer's checkout. */
function invoiceCommandRoutes(deps: Deps, route: ReturnType<typeof apiRouter>['route']) {
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
}

/** Second chance offers: the seller's start, the bidder's answer. */
function offerRoutes(deps: Deps, route: ReturnType<typeof apiRouter>['route']) {
  const { commands } = deps;
  const common = { tag: 'After the hammer', guards: [deps.requireAuth] };
  const idOf = (req: Request) => String(req.params.id).toLowerCase();
  const me = (req: Request) => req.auth!.userId;
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
}

/** Invoices, payments, checkout and second chance offers (api.md, "After the hammer"). */
export function invoiceRoutes(deps: Deps): DocumentedRouter {
  const { router, route } = apiRouter();
  invoiceCommandRoutes(deps, route);
  offerRoutes(deps, route);
  return router;
}
