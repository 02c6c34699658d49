import type { Request, RequestHandler, Response } from 'express';
import { auctionViewSchema } from '../../auction';
import {
  apiRouter,
  etagOf,
  noQuerySchema,
  notModified,
  ProblemError,
  validationProblem,
  type DocumentedRouter,
  type RouteSpec,
} from '../../platform';
import { saleViewSchema, type SaleView } from '../../sales';
import { awaitReadModel, readModelDocs, type ReadPosition } from '../consistency';
import type { AuctionQueries } from '../auction/auctionQueries';
import { decodeSaleCursor, type SaleQueries } from './saleQueries';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const nextCursor = { type: ['string', 'null'], description: 'Pass as cursor for the next page' } as const;
const pageOf = <T extends object>(item: T) =>
  ({
    type: 'object',
    properties: { items: { type: 'array', items: item }, nextCursor },
    required: ['items', 'nextCursor'],
    additionalProperties: false,
  }) as const;
const limit = { type: 'integer', minimum: 1, maximum: 100, default: 20 } as const;

const saleNotFound = () => new ProblemError(404, 'SALE_NOT_FOUND', 'Sale not found', 'No such sale');
const saleIdParam = (req: Request) => {
  const id = String(req.params.id);
  if (!UUID.test(id)) throw saleNotFound();
  return id.toLowerCase();
};
const ifNoneMatch = {
  name: 'If-None-Match',
  description: 'The ETag of an answer you hold: 304 while it is still current',
  schema: { type: 'string' },
};
const etagged = (description: string, schema: object) => ({
  200: {
    description,
    schema,
    headers: { ...readModelDocs.responseHeaders, ETag: 'Changes with what the answer says' },
  },
  304: { description: 'Not modified: the If-None-Match tag is still current' },
});

/** JSON with an ETag of its bytes; `If-None-Match` with that tag answers 304. */
function sendTagged(req: Request, res: Response, value: unknown) {
  const body = JSON.stringify(value);
  const etag = etagOf(body);
  res.setHeader('ETag', etag);
  if (notModified(req.headers, etag)) return void res.status(304).end();
  res.type('application/json').send(body);
}

interface Deps {
  queries: SaleQueries;
  /** The lots are auctions: read where auctions are. */
  auctions: Pick<AuctionQueries, 'lots'>;
  /** The sales projection's position, and the auction read model's (where lots are read). */
  salesPosition: ReadPosition;
  auctionsPosition: ReadPosition;
  optionalAuth: RequestHandler;
  clock?: () => Date;
}

const listSalesSpec = {
  method: 'get',
  path: '/sales',
  operationId: 'listSales',
  summary: 'List sales',
  description: 'Sales newest first, filtered by status and seller, a page at a time (`nextCursor`).',
  query: {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['scheduled', 'open', 'closed', 'cancelled'] },
      sellerId: { type: 'string', format: 'uuid' },
      limit,
      cursor: { type: 'string', minLength: 1, maxLength: 200 },
    },
    additionalProperties: false,
  },
  responses: etagged('A page of sales', pageOf(saleViewSchema)),
  problems: readModelDocs.problems,
} satisfies Omit<RouteSpec, 'tag' | 'guards'>;

const listSales =
  (deps: Deps, clock: () => Date): RequestHandler =>
  async (req, res) => {
    const q = res.locals.query as {
      status?: SaleView['status'];
      sellerId?: string;
      limit: number;
      cursor?: string;
    };
    const cursor = q.cursor === undefined ? undefined : decodeSaleCursor(q.cursor);
    if (q.cursor !== undefined && !cursor)
      throw validationProblem([{ field: 'query.cursor', message: 'is not a cursor from this list' }]);
    await awaitReadModel(req, res, deps.salesPosition);
    sendTagged(
      req,
      res,
      await deps.queries.list({ ...q, sellerId: q.sellerId?.toLowerCase(), cursor }, clock()),
    );
  };

const getSaleSpec = {
  method: 'get',
  path: '/sales/:id',
  operationId: 'getSale',
  summary: 'One sale, with its running figures',
  description:
    "The sale's terms, status, lot count, lots sold and hammer total; `If-None-Match` with its ETag answers 304.",
  query: noQuerySchema,
  headers: [...readModelDocs.headers, ifNoneMatch],
  responses: etagged('The sale', saleViewSchema),
  problems: { 404: ['SALE_NOT_FOUND'], ...readModelDocs.problems },
} satisfies Omit<RouteSpec, 'tag' | 'guards'>;

const getSale =
  (deps: Deps, clock: () => Date): RequestHandler =>
  async (req, res) => {
    const saleId = saleIdParam(req);
    await awaitReadModel(req, res, deps.salesPosition);
    const view = await deps.queries.get(saleId, clock());
    if (!view) throw saleNotFound();
    sendTagged(req, res, view);
  };

const listLotsSpec = {
  method: 'get',
  path: '/sales/:id/lots',
  operationId: 'listLots',
  summary: "A sale's lots, in catalogue order",
  description:
    'The lots (each an auction, as GET /auctions/:id shows it to the caller) in lot order, a page at a time (`nextCursor`).',
  query: {
    type: 'object',
    properties: {
      limit,
      cursor: {
        type: 'string',
        pattern: '^[0-9]{1,4}$',
        description: 'The last lot number of the page before',
      },
    },
    additionalProperties: false,
  },
  headers: [...readModelDocs.headers, ifNoneMatch],
  responses: etagged('A page of lots', pageOf(auctionViewSchema)),
  problems: { 404: ['SALE_NOT_FOUND'], ...readModelDocs.problems },
} satisfies Omit<RouteSpec, 'tag' | 'guards'>;

const listLots =
  (deps: Deps, clock: () => Date): RequestHandler =>
  async (req, res) => {
    const saleId = saleIdParam(req);
    const q = res.locals.query as { limit: number; cursor?: string };
    // Both models must have reached the client's position: the sale's, and its lots' (auctions).
    const both: ReadPosition = async () => {
      const [sales, auctions] = await Promise.all([deps.salesPosition(), deps.auctionsPosition()]);
      return (sales ?? '') < (auctions ?? '') ? sales : auctions;
    };
    await awaitReadModel(req, res, both);
    const now = clock();
    if (!(await deps.queries.get(saleId, now))) throw saleNotFound();
    const page = { limit: q.limit, ...(q.cursor ? { afterLot: Number(q.cursor) } : {}) };
    sendTagged(req, res, await deps.auctions.lots(saleId, page, req.auth?.userId, now));
  };

/** GET /sales, /sales/:id and /sales/:id/lots. */
export function saleQueryRoutes(deps: Deps): DocumentedRouter {
  const clock = deps.clock ?? (() => new Date());
  const { router, route } = apiRouter();
  const common = { tag: 'Sales', headers: readModelDocs.headers, guards: [deps.optionalAuth] };
  route({ ...common, ...listSalesSpec }, listSales(deps, clock));
  route({ ...common, ...getSaleSpec }, getSale(deps, clock));
  route({ ...common, ...listLotsSpec }, listLots(deps, clock));
  return router;
}
