import type { Knex } from 'knex';
import type { RequestHandler } from 'express';
import {
  invoiceViewSchema,
  offerViewSchema,
  toInvoiceView,
  toOfferView,
  type Invoice,
  type Offer,
} from '../../invoicing';
import { apiRouter, validationProblem, type DocumentedRouter, type RouteSpec } from '../../platform';
import { INVOICES_PROJECTION, readStoredCheckpoint } from '../../projections';
import { awaitReadModel, readModelDocs } from '../consistency';

/** After the hammer's read model: the lists, and what the deadlines' sweep and erasure ask. */
export function getInvoiceQueries(knex: Knex) {
  const page = async <T>(
    table: string,
    where: Record<string, string>,
    order: string,
    limit: number,
    offset: number,
  ): Promise<{ items: T[]; nextCursor: string | null }> => {
    const rows = await knex(table)
      .where(where)
      .orderBy([
        { column: order, order: 'desc' },
        { column: table === 'invoices' ? 'invoice_id' : 'offer_id', order: 'desc' },
      ])
      .limit(limit + 1)
      .offset(offset)
      .select('state');
    return {
      items: rows.slice(0, limit).map((r) => r.state as T),
      nextCursor: rows.length > limit ? String(offset + limit) : null,
    };
  };
  return {
    position: () => readStoredCheckpoint(knex, INVOICES_PROJECTION),
    invoicesOf: (role: 'buyer_id' | 'seller_id', userId: string, limit: number, offset: number) =>
      page<Invoice>('invoices', { [role]: userId }, 'issued_at', limit, offset),
    offersOf: (bidderId: string, limit: number, offset: number) =>
      page<Offer>('offers', { bidder_id: bidderId }, 'made_at', limit, offset),
    async offerAuction(offerId: string): Promise<string | undefined> {
      const row = await knex('offers').where({ offer_id: offerId }).first('auction_id');
      return row?.auction_id as string | undefined;
    },
    /** Invoices the user owes (open or overdue): erasure waits for them. */
    async owedBy(buyerId: string): Promise<number> {
      const [row] = await knex('invoices')
        .where({ buyer_id: buyerId })
        .whereIn('status', ['open', 'overdue'])
        .count<{ n: string }[]>({ n: '*' });
      return Number(row?.n ?? 0);
    },
    async invoicesDueBy(now: Date, limit: number): Promise<string[]> {
      const rows = await knex('invoices')
        .where({ status: 'open' })
        .where('due_at', '<=', now)
        .limit(limit)
        .select('invoice_id');
      return rows.map((r) => r.invoice_id as string);
    },
    async offersExpiredBy(now: Date, limit: number) {
      const rows = await knex('offers')
        .where({ status: 'open' })
        .where('expires_at', '<=', now)
        .limit(limit)
        .select('auction_id', 'offer_id');
      return rows.map((r) => ({ auctionId: r.auction_id as string, offerId: r.offer_id as string }));
    },
    /** Every invoice a user is the buyer of, whole (for GET /me/data). */
    async allBoughtBy(buyerId: string): Promise<Invoice[]> {
      const rows = await knex('invoices').where({ buyer_id: buyerId }).orderBy('issued_at').select('state');
      return rows.map((r) => r.state as Invoice);
    },
  };
}

export type InvoiceQueries = ReturnType<typeof getInvoiceQueries>;

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

/** The buyer's invoices, the seller's, and the bidder's second chance offers. */
export function invoiceQueryRoutes(deps: {
  queries: InvoiceQueries;
  requireAuth: RequestHandler;
}): DocumentedRouter {
  const { router, route } = apiRouter();
  const { queries } = deps;
  const common = { tag: 'After the hammer', guards: [deps.requireAuth] };
  const paging = (query: unknown) => {
    const q = query as { limit?: number; cursor?: string };
    const offset = q.cursor === undefined ? 0 : Number(q.cursor);
    if (!Number.isSafeInteger(offset))
      throw validationProblem([{ field: 'query.cursor', message: 'not a cursor' }]);
    return { limit: q.limit ?? 50, offset };
  };
  const list =
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
