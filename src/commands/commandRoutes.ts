import { createHash, randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import {
  ProblemError,
  apiRouter,
  validationProblem,
  type DocumentedRouter,
  type FieldError,
  type RouteSpec,
  uuidSchema,
} from '../platform';
import { AuctionRuleError, type AuctionCommand } from '../auction';
import type { AuctionReply } from './auctionStreamFold';
import { CommandBusyError, IdempotencyKeyReusedError, type CommandHandler } from './commandHandler';

const MAX_MONEY = Number.MAX_SAFE_INTEGER;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
// Namespace for auction ids derived from (user, Idempotency-Key): a retried create hits the same stream.
const AUCTION_ID_NAMESPACE = '6f1c3a8e-1d2b-4c5e-9f7a-0b1c2d3e4f50';
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const createAuctionSchema = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
    description: { type: 'string', maxLength: 5000 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    startingPrice: { type: 'integer', minimum: 0, maximum: MAX_MONEY },
    reservePrice: { type: 'integer', minimum: 0, maximum: MAX_MONEY },
    minIncrement: { type: 'integer', minimum: 1, maximum: MAX_MONEY },
    startsAt: { type: 'string', format: 'date-time' },
    endsAt: { type: 'string', format: 'date-time' },
    softClose: {
      type: 'object',
      properties: {
        windowSeconds: { type: 'integer', minimum: 0, maximum: 3600 },
        extensionSeconds: { type: 'integer', minimum: 1, maximum: 3600 },
      },
      required: ['windowSeconds', 'extensionSeconds'],
      additionalProperties: false,
    },
  },
  required: ['title', 'currency', 'startingPrice', 'endsAt'],
  additionalProperties: false,
} as const;

export const placeBidSchema = {
  type: 'object',
  properties: {
    amount: { type: 'integer', minimum: 1, maximum: MAX_MONEY },
    maxAmount: { type: 'integer', minimum: 1, maximum: MAX_MONEY },
  },
  required: ['amount'],
  additionalProperties: false,
} as const;

export const cancelAuctionSchema = {
  type: 'object',
  properties: { reason: { type: 'string', maxLength: 500 } },
  additionalProperties: false,
} as const;

const position = { type: 'string', description: 'Send as X-Min-Position to read your own write' } as const;

export const commandReplySchema = {
  type: 'object',
  properties: { auctionId: uuidSchema, revision: { type: 'integer', minimum: 0 }, position },
  required: ['auctionId', 'revision', 'position'],
  additionalProperties: false,
} as const;

export const bidReplySchema = {
  type: 'object',
  properties: {
    ...commandReplySchema.properties,
    bidId: uuidSchema,
    amount: { type: 'integer' },
    status: {
      type: 'string',
      enum: ['leading', 'outbid'],
      description: 'outbid: recorded, but a standing proxy bid outbid it at once',
    },
    currentPrice: { type: 'integer' },
    leadingBidderId: uuidSchema,
    endsAt: { type: 'string', format: 'date-time' },
  },
  required: [
    'bidId',
    'auctionId',
    'amount',
    'status',
    'currentPrice',
    'leadingBidderId',
    'endsAt',
    'revision',
    'position',
  ],
  additionalProperties: false,
} as const;

const idempotencyKeyHeader = {
  name: 'Idempotency-Key',
  description: 'A retry with the same key and body returns the first reply and records nothing new',
  schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source },
};

interface CreateAuctionBody {
  title: string;
  description?: string;
  currency: string;
  startingPrice: number;
  reservePrice?: number;
  minIncrement?: number;
  startsAt?: string;
  endsAt: string;
  softClose?: { windowSeconds: number; extensionSeconds: number };
}

const RULE_STATUS: Record<string, number> = {
  AUCTION_NOT_FOUND: 404,
  NOT_SELLER: 403,
  AUCTION_ALREADY_EXISTS: 409,
  INVALID_SCHEDULE: 400,
};

const RULE_TITLES: Record<string, string> = {
  AUCTION_NOT_FOUND: 'Auction not found',
  AUCTION_NOT_OPEN: 'Auction not open',
  AUCTION_NOT_ENDED: 'Auction not ended',
  BID_TOO_LOW: 'Bid too low',
  SELLER_CANNOT_BID: 'Seller cannot bid',
  AUCTION_HAS_BIDS: 'Auction has bids',
  NOT_SELLER: 'Not the seller',
  AUCTION_ALREADY_EXISTS: 'Auction exists',
};

/** Maps the command side's expected failures to problems. */
export function commandProblem(error: unknown): unknown {
  if (error instanceof AuctionRuleError) {
    if (error.code === 'INVALID_SCHEDULE')
      return validationProblem([{ field: 'body', message: error.message }]);
    return new ProblemError(
      RULE_STATUS[error.code] ?? 422,
      error.code,
      RULE_TITLES[error.code] ?? error.code,
      error.message,
      error.details,
    );
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return new ProblemError(422, error.code, 'Idempotency key reused', error.message);
  }
  if (error instanceof CommandBusyError) {
    return new ProblemError(503, 'BUSY', 'Busy', error.message, { retryAfter: 1 });
  }
  return error;
}

const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : value && typeof value === 'object'
      ? `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(value);

const requestHash = (route: string, body: unknown) =>
  createHash('sha256')
    .update(`${route}\n${canonical(body)}`)
    .digest('base64url');

function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('Idempotency-Key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw validationProblem([
      { field: 'header.Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
    ]);
  }
  return key;
}

function auctionIdParam(req: Request): string {
  const id = String(req.params.id);
  if (!UUID.test(id))
    throw new ProblemError(404, 'AUCTION_NOT_FOUND', 'Auction not found', 'No such auction');
  return id.toLowerCase();
}

function scheduleErrors(body: CreateAuctionBody, now: number): FieldError[] {
  const errors: FieldError[] = [];
  const startsAt = body.startsAt ? Date.parse(body.startsAt) : now;
  const endsAt = Date.parse(body.endsAt);
  if (!CURRENCIES.has(body.currency))
    errors.push({ field: 'body.currency', message: 'must be an ISO 4217 currency code' });
  if (Number.isNaN(startsAt)) errors.push({ field: 'body.startsAt', message: 'must be a valid time' });
  if (Number.isNaN(endsAt)) errors.push({ field: 'body.endsAt', message: 'must be a valid time' });
  else if (!(endsAt > startsAt)) errors.push({ field: 'body.endsAt', message: 'must be after startsAt' });
  else if (endsAt <= now) errors.push({ field: 'body.endsAt', message: 'must be in the future' });
  else if (endsAt > now + 90 * 86_400_000)
    errors.push({ field: 'body.endsAt', message: 'must be at most 90 days ahead' });
  if (body.reservePrice !== undefined && body.reservePrice < body.startingPrice) {
    errors.push({ field: 'body.reservePrice', message: 'must be at least startingPrice' });
  }
  return errors;
}

interface Deps {
  handler: CommandHandler;
  requireAuth: RequestHandler;
  /** Per-user limit on bids (429 with Retry-After). */
  bidRateLimit?: RequestHandler;
  clock?: () => Date;
}

/** POST /auctions, POST /auctions/:id/bids, POST /auctions/:id/cancel. */
export function commandRoutes({
  handler,
  requireAuth,
  bidRateLimit,
  clock = () => new Date(),
}: Deps): DocumentedRouter {
  const { router, route } = apiRouter();
  const common: Pick<RouteSpec, 'tag' | 'headers' | 'guards'> = {
    tag: 'Commands',
    headers: [idempotencyKeyHeader],
    guards: [requireAuth],
  };

  const send = async (
    run: () => Promise<AuctionReply>,
    status: number,
    res: Parameters<RequestHandler>[1],
  ) => {
    try {
      const reply = await run();
      res.status(status).json(reply);
    } catch (error) {
      const problem = commandProblem(error);
      if (problem instanceof ProblemError && problem.status === 503) res.setHeader('Retry-After', '1');
      throw problem;
    }
  };

  route(
    {
      ...common,
      method: 'post',
      path: '/auctions',
      summary: 'Create an auction',
      description:
        'With an Idempotency-Key, the auction id is derived from (user, key): a retry hits the same auction.',
      body: createAuctionSchema,
      responses: { 201: { description: 'Created', schema: commandReplySchema } },
      problems: { 422: ['IDEMPOTENCY_KEY_REUSED'], 503: ['BUSY'] },
    },
    async (req, res) => {
      const body = req.body as CreateAuctionBody;
      const key = idempotencyKeyOf(req);
      const now = clock();
      const errors = scheduleErrors(body, now.getTime());
      if (errors.length) throw validationProblem(errors);
      const userId = req.auth!.userId;
      const auctionId = key ? uuidv5(`${userId}:${key}`, AUCTION_ID_NAMESPACE) : uuidv7();
      const command: AuctionCommand = {
        type: 'CreateAuction',
        now,
        data: {
          auctionId,
          sellerId: userId,
          title: body.title,
          description: body.description ?? '',
          currency: body.currency,
          startingPrice: body.startingPrice,
          reservePrice: body.reservePrice ?? null,
          minIncrement: body.minIncrement ?? null,
          startsAt: new Date(body.startsAt ? Date.parse(body.startsAt) : now.getTime()).toISOString(),
          endsAt: new Date(Date.parse(body.endsAt)).toISOString(),
          softClose: body.softClose ?? null,
        },
      };
      await send(
        async () => {
          try {
            return await handler.handle({
              auctionId,
              command,
              userId,
              correlationId: randomUUID(),
              idempotencyKey: key,
              requestHash: key ? requestHash('POST /auctions', body) : undefined,
            });
          } catch (error) {
            // The key was used before: the create is then a replay (or a reuse) of that command.
            if (error instanceof AuctionRuleError && error.code === 'AUCTION_ALREADY_EXISTS' && key) {
              throw new IdempotencyKeyReusedError('This Idempotency-Key was used for another request');
            }
            throw error;
          }
        },
        201,
        res,
      );
    },
  );

  /** The envelope of a command on an existing auction, with the request's idempotency key. */
  const envelopeFor = (req: Request, route: string, command: AuctionCommand) => {
    const key = idempotencyKeyOf(req);
    const auctionId = auctionIdParam(req);
    return {
      auctionId,
      userId: req.auth!.userId,
      correlationId: randomUUID(),
      idempotencyKey: key,
      requestHash: key ? requestHash(`POST /auctions/${auctionId}/${route}`, req.body) : undefined,
      command,
    };
  };

  route(
    {
      ...common,
      method: 'post',
      path: '/auctions/:id/bids',
      summary: 'Bid, optionally with a maximum for automatic (proxy) bidding',
      guards: [requireAuth, ...(bidRateLimit ? [bidRateLimit] : [])],
      body: placeBidSchema,
      responses: { 201: { description: 'Recorded', schema: bidReplySchema } },
      problems: {
        404: ['AUCTION_NOT_FOUND'],
        422: ['AUCTION_NOT_OPEN', 'BID_TOO_LOW', 'SELLER_CANNOT_BID', 'IDEMPOTENCY_KEY_REUSED'],
        503: ['BUSY'],
      },
    },
    async (req, res) => {
      const body = req.body as { amount: number; maxAmount?: number };
      if (body.maxAmount !== undefined && body.maxAmount < body.amount) {
        throw validationProblem([{ field: 'body.maxAmount', message: 'must be at least amount' }]);
      }
      const envelope = envelopeFor(req, 'bids', {
        type: 'PlaceBid',
        now: clock(),
        data: {
          bidId: uuidv7(),
          autoBidId: uuidv7(),
          bidderId: req.auth!.userId,
          amount: body.amount,
          ...(body.maxAmount !== undefined ? { maxAmount: body.maxAmount } : {}),
        },
      });
      await send(() => handler.handle(envelope), 201, res);
    },
  );

  route(
    {
      ...common,
      method: 'post',
      path: '/auctions/:id/cancel',
      summary: 'Cancel an auction that has no bids (seller only)',
      body: cancelAuctionSchema,
      responses: { 200: { description: 'Cancelled', schema: commandReplySchema } },
      problems: {
        403: ['NOT_SELLER'],
        404: ['AUCTION_NOT_FOUND'],
        422: ['AUCTION_HAS_BIDS', 'AUCTION_NOT_OPEN', 'IDEMPOTENCY_KEY_REUSED'],
        503: ['BUSY'],
      },
    },
    async (req, res) => {
      const body = req.body as { reason?: string };
      const envelope = envelopeFor(req, 'cancel', {
        type: 'CancelAuction',
        now: clock(),
        data: { userId: req.auth!.userId, ...(body.reason ? { reason: body.reason } : {}) },
      });
      await send(() => handler.handle(envelope), 200, res);
    },
  );

  return router;
}
