import type { Request, RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import {
  apiRouter,
  ProblemError,
  validationProblem,
  type DocumentedRouter,
  type FieldError,
  type RouteSpec,
} from '../../platform';
import { SaleRuleError, type SaleRuleCode } from '../../sales';
import { commandProblem } from '../auction/http/commandProblem';
import {
  idempotencyKeyHeader,
  idempotencyKeyOf,
  keyedAuctionId,
  replyHeaders,
} from '../auction/http/idempotency';
import type { SaleCommands } from './saleCommands';
import {
  addLotSchema,
  cancelSaleSchema,
  createSaleSchema,
  lotReplySchema,
  saleReplySchema,
  type AddLotBody,
  type CancelSaleBody,
  type CreateSaleBody,
} from './saleSchemas';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** How each rule of a sale answers over HTTP: a new code without a line here does not compile. */
const SALE_PROBLEMS: Record<SaleRuleCode, { status: number; title: string }> = {
  SALE_NOT_FOUND: { status: 404, title: 'Sale not found' },
  SALE_ALREADY_EXISTS: { status: 409, title: 'Sale exists' },
  NOT_SELLER: { status: 403, title: 'Not the seller' },
  SALE_STARTED: { status: 422, title: 'Sale started' },
  SALE_CANCELLED: { status: 422, title: 'Sale cancelled' },
  SALE_CLOSED: { status: 422, title: 'Sale closed' },
  TOO_MANY_LOTS: { status: 422, title: 'Too many lots' },
  LOT_NOT_FOUND: { status: 404, title: 'Lot not found' },
  INVALID_SCHEDULE: { status: 400, title: 'Validation failed' },
};

/** A sale's refusal as a problem; a schedule it refuses is a bad field of the request, like any other. */
function saleProblem(error: unknown): unknown {
  if (!(error instanceof SaleRuleError)) return commandProblem(error);
  if (error.code === 'INVALID_SCHEDULE') {
    const { field, message } = error.details as { field: string; message: string };
    return validationProblem([{ field: `body.${field}`, message }]);
  }
  const { status, title } = SALE_PROBLEMS[error.code];
  return new ProblemError(status, error.code, title, error.message, error.details);
}

const answer = async <Reply extends object>(
  res: Response,
  status: number,
  run: () => Promise<Reply & { replayed?: boolean }>,
  locationOf?: (reply: Reply) => string,
) => {
  try {
    const { replayed, ...reply } = await run();
    if (locationOf) res.setHeader('Location', locationOf(reply as Reply));
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(status).json(reply);
  } catch (error) {
    throw saleProblem(error);
  }
};

function createSaleErrors(body: CreateSaleBody): FieldError[] {
  const errors: FieldError[] = [];
  if (!CURRENCIES.has(body.currency))
    errors.push({ field: 'body.currency', message: 'must be an ISO 4217 currency code' });
  for (const field of ['startsAt', 'firstLotEndsAt'] as const) {
    const value = body[field];
    if (value !== undefined && Number.isNaN(Date.parse(value)))
      errors.push({ field: `body.${field}`, message: 'must be a valid time' });
  }
  const premium = body.buyersPremiumPercent;
  if (premium !== undefined && Math.abs(Math.round(premium * 100) - premium * 100) > 1e-6)
    errors.push({ field: 'body.buyersPremiumPercent', message: 'must have at most two decimals' });
  return errors;
}

const createSaleSpec = {
  method: 'post',
  path: '/sales',
  operationId: 'createSale',
  summary: 'Create a sale: a catalogue of lots that close in turn',
  description:
    'Creates a timed sale with the caller as seller. Lot n ends at `firstLotEndsAt + (n - 1) * lotGapSeconds`; a lot extended by a late bid pushes the lots after it to keep the gap. `increments` apply to every lot. With an Idempotency-Key, the sale id is derived from (user, key): a retry with the same terms answers the first reply (header `Idempotent-Replayed`); the same key with other terms is refused.',
  body: createSaleSchema,
  responses: {
    201: {
      description: 'Created',
      schema: saleReplySchema,
      headers: { Location: 'The sale: /sales/{saleId}', ...replyHeaders },
    },
  },
  problems: { 409: ['SALE_ALREADY_EXISTS'], 422: ['IDEMPOTENCY_KEY_REUSED'], 503: ['BUSY'] },
} satisfies Omit<RouteSpec, 'tag'>;

const createSale = (commands: SaleCommands, clock: () => Date) => async (req: Request, res: Response) => {
  const body = req.body as CreateSaleBody;
  const key = idempotencyKeyOf(req.get('Idempotency-Key'));
  const errors = createSaleErrors(body);
  if (errors.length) throw validationProblem(errors);
  const now = clock();
  const sellerId = req.auth!.userId;
  const saleId = keyedAuctionId(sellerId, `sale:${key ?? randomUUID()}`);
  const data = {
    saleId,
    sellerId,
    title: body.title,
    description: body.description ?? '',
    currency: body.currency,
    startsAt: new Date(body.startsAt ? Date.parse(body.startsAt) : now.getTime()).toISOString(),
    firstLotEndsAt: new Date(Date.parse(body.firstLotEndsAt)).toISOString(),
    lotGapSeconds: body.lotGapSeconds ?? 60,
    softClose: body.softClose ?? null,
    increments: body.increments ?? null,
    buyersPremiumPercent: body.buyersPremiumPercent ?? 0,
    requiresApproval: body.requiresApproval ?? false,
    mode: body.mode ?? 'timed',
  };
  await answer(
    res,
    201,
    () => (key ? commands.createOnce(data, now, body.startsAt !== undefined) : commands.create(data, now)),
    () => `/sales/${saleId}`,
  );
};

const addLotSpec = {
  method: 'post',
  path: '/sales/:id/lots',
  operationId: 'addLot',
  summary: 'Add a lot to a sale (its seller, until it starts)',
  description:
    "Adds the next lot: it is numbered after the others and is an auction of its own (`auctionId`: every auction route works on it) with the sale's currency, start, soft close and increments, ending at its place in the catalogue. With an Idempotency-Key, a retry adds nothing and answers the first reply again (header `Idempotent-Replayed`); the same key with other terms is refused.",
  body: addLotSchema,
  responses: {
    201: {
      description: 'Added',
      schema: lotReplySchema,
      headers: { Location: "The lot's auction: /auctions/{auctionId}", ...replyHeaders },
    },
  },
  problems: {
    403: ['NOT_SELLER'],
    404: ['SALE_NOT_FOUND'],
    422: ['SALE_STARTED', 'SALE_CANCELLED', 'SALE_CLOSED', 'TOO_MANY_LOTS', 'IDEMPOTENCY_KEY_REUSED'],
    503: ['BUSY'],
  },
} satisfies Omit<RouteSpec, 'tag'>;

const addLot = (commands: SaleCommands, clock: () => Date) => async (req: Request, res: Response) => {
  const body = req.body as AddLotBody;
  const key = idempotencyKeyOf(req.get('Idempotency-Key'));
  const saleId = String(req.params.id).toLowerCase();
  const data = {
    userId: req.auth!.userId,
    title: body.title,
    description: body.description ?? '',
    startingPrice: body.startingPrice,
    reservePrice: body.reservePrice ?? null,
    ...(body.buyNowPrice !== undefined ? { buyNowPrice: body.buyNowPrice } : {}),
    ...(body.format !== undefined && body.format !== 'english' ? { format: body.format } : {}),
    ...(body.dutch ? { dutch: body.dutch } : {}),
    ...(key ? { idempotencyKey: key } : {}),
  };
  await answer(
    res,
    201,
    () => commands.addLot(saleId, data, clock()),
    (reply) => `/auctions/${reply.auctionId}`,
  );
};

const cancelSaleSpec = {
  method: 'post',
  path: '/sales/:id/cancel',
  operationId: 'cancelSale',
  summary: 'Cancel a sale (its seller, until it starts)',
  description:
    'Cancels the sale and, with it, every lot. Cancelling a cancelled sale answers the same and records nothing.',
  body: cancelSaleSchema,
  responses: { 200: { description: 'Cancelled', schema: saleReplySchema } },
  problems: {
    403: ['NOT_SELLER'],
    404: ['SALE_NOT_FOUND'],
    422: ['SALE_STARTED', 'SALE_CLOSED'],
    503: ['BUSY'],
  },
} satisfies Omit<RouteSpec, 'tag'>;

const cancelSale = (commands: SaleCommands, clock: () => Date) => async (req: Request, res: Response) => {
  const body = req.body as CancelSaleBody;
  const saleId = String(req.params.id).toLowerCase();
  await answer(res, 200, () => commands.cancel(saleId, req.auth!.userId, body.reason, clock()));
};

/** POST /sales, its lots and its cancel. */
export function saleCommandRoutes(deps: {
  commands: SaleCommands;
  requireAuth: RequestHandler;
  clock?: () => Date;
}): DocumentedRouter {
  const clock = deps.clock ?? (() => new Date());
  const { router, route } = apiRouter();
  const common = { tag: 'Sales', guards: [deps.requireAuth] };
  route({ ...common, headers: [idempotencyKeyHeader], ...createSaleSpec }, createSale(deps.commands, clock));
  route({ ...common, headers: [idempotencyKeyHeader], ...addLotSpec }, addLot(deps.commands, clock));
  route({ ...common, ...cancelSaleSpec }, cancelSale(deps.commands, clock));
  return router;
}
