import type { RequestHandler } from 'express';
import { invoiceViewSchema, offerViewSchema, toInvoiceView, toOfferView } from '../../invoicing';
import { apiRouter, validationProblem, type DocumentedRouter, type RouteSpec } from '../../platform';
import { awaitReadModel, readModelDocs } from '../consistency';
import type { InvoiceQueries } from './invoiceQueries';

const pageQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: {
      type: 'string',
      pattern: '^(0|[1-9][0-9]{0,8})$',
      description: 'nextCursor of the page before',
    },
  },
  additionalProperties: false,
} as const;
const listOf = (item: object) => ({
  type: 'object',
  properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } },
  required: ['items', 'nextCursor'],
  additionalProperties: false,
});

const listSpec = (
  path: string,
  operationId: string,
  summary: string,
  item: object,
): Omit<RouteSpec, 'tag'> => ({
  method: 'get',
  path,
  query: pageQuery,
  operationId,
  summary,
  description: 'Newest first.',
  headers: readModelDocs.headers,
  responses: {
    200: { description: summary, schema: listOf(item), headers: readModelDocs.responseHeaders },
  },
  problems: readModelDocs.problems,
});

function paging(query: unknown) {
  const q = query as { limit?: number; cursor?: string };
  const offset = q.cursor === undefined ? 0 : Number(q.cursor);
  if (!Number.isSafeInteger(offset))
    throw validationProblem([{ field: 'query.cursor', message: 'not a cursor' }]);
  return { limit: q.limit ?? 50, offset };
}
/** A list route: the caller's page once the read model has their X-Min-Position. */
const lister =
  (queries: InvoiceQueries) =>
  (
    load: (
      userId: string,
      limit: number,
      offset: number,
    ) => Promise<{ items: unknown[]; nextCursor: string | null }>,
  ): RequestHandler =>
  async (req, res) => {
    const { limit, offset } = paging(res.locals.query);
    await awaitReadModel(req, res, queries.position);
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(await load(req.auth!.userId, limit, offset));
  };

/** The buyer's invoices, the seller's, and the bidder's second chance offers. */
export function invoiceQueryRoutes(deps: {
  queries: InvoiceQueries;
  requireAuth: RequestHandler;
}): DocumentedRouter {
  const { router, route } = apiRouter();
  const { queries } = deps;
  const common = { tag: 'After the hammer', guards: [deps.requireAuth] };
  const list = lister(queries);
  const invoices =
    (role: 'buyer_id' | 'seller_id') => async (userId: string, limit: number, offset: number) => {
      const found = await queries.invoicesOf(role, userId, limit, offset);
      return { ...found, items: found.items.map(toInvoiceView) };
    };
  route(
    {
      ...common,
      ...listSpec('/me/invoices', 'listMyInvoices', 'Your invoices as the buyer', invoiceViewSchema),
    },
    list(invoices('buyer_id')),
  );
  route(
    {
      ...common,
      ...listSpec(
        '/me/sales-invoices',
        'listMySalesInvoices',
        'Your invoices as the seller',
        invoiceViewSchema,
      ),
    },
    list(invoices('seller_id')),
  );
  route(
    {
      ...common,
      ...listSpec('/me/offers', 'listMyOffers', 'Second chance offers made to you', offerViewSchema),
    },
    list(async (userId, limit, offset) => {
      const found = await queries.offersOf(userId, limit, offset);
      return { ...found, items: found.items.map(toOfferView) };
    }),
  );
  return router;
}
