import type { RequestHandler } from 'express';
import type { EventStore } from '../../events';
import {
  ProblemError,
  apiRouter,
  validationProblem,
  type DocumentedRouter,
  type RouteSpec,
} from '../../platform';
import { awaitReadModel, readModelDocs } from '../consistency';
import type { AnalyticsQueries, Range } from './analyticsQueries';
import type { WhatIfRules } from '../../analytics';
import { MAX_WHAT_IF_AUCTIONS, TooManyAuctionsError, runWhatIf } from './whatIfRun';

/** The most a body may name (a request body is at most 64 KiB); more are chosen by a range. */
export const MAX_NAMED_AUCTIONS = 1_000;

const time = { type: 'string', format: 'date-time' } as const;
const money = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const byCurrency = {
  type: 'object',
  additionalProperties: money,
  description: 'Minor units by currency',
} as const;

export const summaryQuerySchema = {
  type: 'object',
  properties: { from: time, to: time, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
  additionalProperties: false,
} as const;

const share = { type: 'number', minimum: 0, maximum: 1 } as const;
export const marketSummarySchema = {
  type: 'object',
  properties: {
    auctions: { type: 'integer', description: 'Auctions that ended in the range (closed or cancelled)' },
    closed: { type: 'integer' },
    sold: { type: 'integer' },
    sellThroughRate: { ...share, description: 'sold / closed' },
    revenue: byCurrency,
    bids: { type: 'integer' },
    bidders: { type: 'integer', description: 'Distinct bidders' },
    proxyBidShare: { ...share, description: 'Share of bids placed automatically by a ceiling' },
    lateBidShare: {
      ...share,
      description: 'Share of bids placed in the last 60 s before the end as it stood then',
    },
    extensions: { type: 'integer' },
    medianBidsPerAuction: { type: 'number' },
  },
  required: [
    'auctions',
    'closed',
    'sold',
    'sellThroughRate',
    'revenue',
    'bids',
    'bidders',
    'proxyBidShare',
    'lateBidShare',
    'extensions',
    'medianBidsPerAuction',
  ],
  additionalProperties: false,
} as const;

const seconds = { type: 'integer', minimum: 1, maximum: 86_400 } as const;
export const whatIfBodySchema = {
  type: 'object',
  properties: {
    auctionIds: {
      type: 'array',
      items: { type: 'string', format: 'uuid' },
      minItems: 1,
      maxItems: MAX_NAMED_AUCTIONS,
      uniqueItems: true,
    },
    from: time,
    to: time,
    rules: {
      type: 'object',
      properties: {
        softClose: {
          type: ['object', 'null'],
          properties: { windowSeconds: seconds, extensionSeconds: seconds },
          required: ['windowSeconds', 'extensionSeconds'],
          additionalProperties: false,
        },
        minIncrement: { oneOf: [{ type: 'integer', minimum: 1, maximum: 100_000_000 }, { const: 'ladder' }] },
        proxyBidding: { type: 'boolean' },
      },
      additionalProperties: false,
    },
  },
  required: ['rules'],
  additionalProperties: false,
} as const;

const resultSchema = {
  type: 'object',
  properties: {
    outcome: { type: 'string', enum: ['sold', 'reserve_not_met', 'no_bids'] },
    winnerId: { type: ['string', 'null'] },
    finalPrice: { type: ['integer', 'null'] },
    endsAt: time,
  },
  required: ['outcome', 'winnerId', 'finalPrice', 'endsAt'],
  additionalProperties: false,
} as const;

export const whatIfReplySchema = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      maxItems: MAX_WHAT_IF_AUCTIONS,
      items: {
        type: 'object',
        properties: {
          auctionId: { type: 'string', format: 'uuid' },
          currency: { type: 'string' },
          actual: resultSchema,
          whatIf: resultSchema,
          changed: { type: 'boolean' },
        },
        required: ['auctionId', 'currency', 'actual', 'whatIf', 'changed'],
        additionalProperties: false,
      },
    },
    summary: {
      type: 'object',
      properties: {
        auctions: { type: 'integer' },
        changed: { type: 'integer' },
        revenueActual: byCurrency,
        revenueWhatIf: byCurrency,
      },
      required: ['auctions', 'changed', 'revenueActual', 'revenueWhatIf'],
      additionalProperties: false,
    },
    skipped: {
      type: 'array',
      description: 'Named auctions that were not replayed: unknown, or not closed',
      items: {
        type: 'object',
        properties: {
          auctionId: { type: 'string', format: 'uuid' },
          reason: { type: 'string', enum: ['not_found', 'not_closed'] },
        },
        required: ['auctionId', 'reason'],
        additionalProperties: false,
      },
    },
  },
  required: ['items', 'summary', 'skipped'],
  additionalProperties: false,
} as const;

/** The range of a request: `from` (default: the beginning) to `to` (default: now), in order. */
function rangeOf(q: { from?: string; to?: string; currency?: string }, field: 'query' | 'body'): Range {
  const from = new Date(q.from ?? 0);
  const to = q.to ? new Date(q.to) : new Date();
  if (from > to) throw validationProblem([{ field: `${field}.from`, message: 'must not be after to' }]);
  return { from, to, ...(q.currency ? { currency: q.currency } : {}) };
}

type AnalyticsDeps = { queries: AnalyticsQueries; eventStore: EventStore };

const summarySpec = {
  method: 'get',
  path: '/analytics/summary',
  operationId: 'getMarketSummary',
  summary: 'The market over the auctions that ended in a range',
  description:
    'Counts, sell-through, revenue by currency, bidders, the shares of automatic and late bids, extensions and the median bids per auction, over the auctions that ended (closed or cancelled) between `from` (default: the beginning) and `to` (default: now), optionally in one currency. Answered from the analytics projection.',
  query: summaryQuerySchema,
  headers: readModelDocs.headers,
  responses: {
    200: { description: 'The summary', schema: marketSummarySchema, headers: readModelDocs.responseHeaders },
  },
  problems: readModelDocs.problems,
} satisfies Omit<RouteSpec, 'tag'>;

const marketSummary =
  ({ queries }: AnalyticsDeps): RequestHandler =>
  async (req, res) => {
    const range = rangeOf(res.locals.query as { from?: string; to?: string; currency?: string }, 'query');
    await awaitReadModel(req, res, queries.position);
    res.json(await queries.summary(range));
  };

const whatIfSpec = {
  method: 'post',
  path: '/analytics/what-if',
  operationId: 'runWhatIf',
  summary: 'Replay closed auctions under other rules',
  description: `Re-decides the bidders' recorded intents (every bid that was not automatic, every raise of a ceiling) with the same decider under other rules (soft close off or another window, a fixed increment or the ladder, proxy bidding off), in their order and at their times, and reports actual against what-if per auction and in sum. Writes nothing. The auctions are \`auctionIds\` (at most ${MAX_NAMED_AUCTIONS}), or every closed auction that ended in \`from\`..\`to\` (at most ${MAX_WHAT_IF_AUCTIONS}: a wider range is refused with TOO_MANY_AUCTIONS).`,
  body: whatIfBodySchema,
  responses: { 200: { description: 'Actual against what-if', schema: whatIfReplySchema } },
  problems: { 422: ['TOO_MANY_AUCTIONS'] },
} satisfies Omit<RouteSpec, 'tag'>;

const whatIf =
  (deps: AnalyticsDeps): RequestHandler =>
  async (req, res) => {
    const body = req.body as { auctionIds?: string[]; from?: string; to?: string; rules: WhatIfRules };
    if (body.auctionIds && (body.from || body.to))
      throw validationProblem([
        { field: 'body', message: 'give auctionIds or a range (from, to), not both' },
      ]);
    const range = body.auctionIds ? undefined : rangeOf(body, 'body');
    try {
      res.json(await runWhatIf(deps, { auctionIds: body.auctionIds, range, rules: body.rules }));
    } catch (error) {
      if (!(error instanceof TooManyAuctionsError)) throw error;
      throw new ProblemError(422, error.code, 'Too many auctions', error.message, {
        maxAuctions: MAX_WHAT_IF_AUCTIONS,
      });
    }
  };

/** GET /analytics/summary and POST /analytics/what-if, for analysts and admins. */
export function analyticsRoutes(
  deps: AnalyticsDeps & {
    requireAuth: RequestHandler;
    requireRole: (...roles: Array<'analyst' | 'admin'>) => RequestHandler;
  },
): DocumentedRouter {
  const { router, route } = apiRouter();
  const common = { tag: 'Analytics', guards: [deps.requireAuth, deps.requireRole('analyst', 'admin')] };
  route({ ...common, ...summarySpec }, marketSummary(deps));
  route({ ...common, ...whatIfSpec }, whatIf(deps));
  return router;
}
