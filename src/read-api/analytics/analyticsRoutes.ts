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
import { incrementTableError } from '../../auction';
import { MAX_WHAT_IF_AUCTIONS, TooManyAuctionsError, runWhatIf } from './whatIfRun';
import {
  MAX_NAMED_AUCTIONS,
  marketSummarySchema,
  summaryQuerySchema,
  whatIfBodySchema,
  whatIfReplySchema,
} from './analyticsSchemas';

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
  description: `Re-decides the bidders' recorded intents (every bid that was not automatic, every raise of a ceiling) with the same decider under other rules (soft close off or another window, a fixed increment, the ladder or an increment table, proxy bidding off), in their order and at their times, and reports actual against what-if per auction and in sum. Writes nothing. The auctions are \`auctionIds\` (at most ${MAX_NAMED_AUCTIONS}), or every closed auction that ended in \`from\`..\`to\` (at most ${MAX_WHAT_IF_AUCTIONS}: a wider range is refused with TOO_MANY_AUCTIONS).`,
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
    const { increments, minIncrement } = body.rules;
    if (increments && minIncrement !== undefined)
      throw validationProblem([
        { field: 'body.rules', message: 'give increments or minIncrement, not both' },
      ]);
    const wrongTable = increments && incrementTableError(increments);
    if (wrongTable) throw validationProblem([{ field: 'body.rules.increments', message: wrongTable }]);
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
