import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { AuctionRuleError, type AuctionCommand } from '../../../auction';
import { validationProblem, type FieldError, type RouteSpec } from '../../../platform';
import type { CommandHandler } from '../commandHandler';
import { IdempotencyKeyReusedError } from '../../commandErrors';
import { sendReply } from './commandEnvelope';
import { commandReplySchema, createAuctionSchema, type CreateAuctionBody } from './commandSchemas';
import { idempotencyKeyOf, keyedAuctionId, replyHeaders, requestHash } from './idempotency';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const createAuctionSpec = {
  method: 'post',
  path: '/auctions',
  operationId: 'createAuction',
  summary: 'Create an auction',
  description:
    'Creates an auction with the caller as seller. With an Idempotency-Key, the auction id is derived from (user, key): a retry lands on the same auction and gets the first reply.',
  body: createAuctionSchema,
  responses: {
    201: {
      description: 'Created',
      schema: commandReplySchema,
      headers: { Location: 'The auction: /auctions/{auctionId}', ...replyHeaders },
    },
  },
  problems: { 422: ['IDEMPOTENCY_KEY_REUSED'], 503: ['BUSY'] },
} satisfies Omit<RouteSpec, 'tag'>;

/**
 * What the schema cannot say about the input itself: a real currency and parseable times. The
 * schedule's rules (end after start, in the future, at most 90 days ahead, reserve at least the
 * starting price) are the decider's.
 */
function inputErrors(body: CreateAuctionBody): FieldError[] {
  const errors: FieldError[] = [];
  if (!CURRENCIES.has(body.currency))
    errors.push({ field: 'body.currency', message: 'must be an ISO 4217 currency code' });
  for (const field of ['startsAt', 'endsAt'] as const) {
    const value = body[field];
    if (value !== undefined && Number.isNaN(Date.parse(value)))
      errors.push({ field: `body.${field}`, message: 'must be a valid time' });
  }
  return errors;
}

/** POST /auctions: the seller is the caller; with a key, the id comes from (user, key). */
export const createAuction =
  (handler: CommandHandler, clock: () => Date) => async (req: Request, res: Response) => {
    const body = req.body as CreateAuctionBody;
    const key = idempotencyKeyOf(req.get('Idempotency-Key'));
    const errors = inputErrors(body);
    if (errors.length) throw validationProblem(errors);
    const now = clock();
    const userId = req.auth!.userId;
    const auctionId = key ? keyedAuctionId(userId, key) : uuidv7();
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
        ...(body.increments ? { increments: body.increments } : {}),
        ...(body.buyNowPrice !== undefined ? { buyNowPrice: body.buyNowPrice } : {}),
        ...(body.format !== undefined && body.format !== 'english' ? { format: body.format } : {}),
        ...(body.dutch ? { dutch: body.dutch } : {}),
        startsAt: new Date(body.startsAt ? Date.parse(body.startsAt) : now.getTime()).toISOString(),
        endsAt: new Date(Date.parse(body.endsAt)).toISOString(),
        softClose: body.softClose ?? null,
      },
    };
    const run = async () => {
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
        if (error instanceof AuctionRuleError && error.code === 'AUCTION_ALREADY_EXISTS' && key)
          throw new IdempotencyKeyReusedError();
        throw error;
      }
    };
    await sendReply(res, 201, run, (reply) => `/auctions/${reply.auctionId}`);
  };
