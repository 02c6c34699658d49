import type { Knex } from 'knex';
import { toSaleView, type Sale, type SaleView } from '../../sales';

export interface SaleListFilter {
  status?: SaleView['status'];
  sellerId?: string;
  limit: number;
  cursor?: { key: string; id: string };
}

const encodeCursor = (key: string, id: string) =>
  Buffer.from(JSON.stringify([key, id])).toString('base64url');

/** A cursor of these lists: [key, id], or undefined when it is not one. */
export function decodeSaleCursor(cursor: string): { key: string; id: string } | undefined {
  try {
    const [key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof key !== 'string' || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    return { key, id };
  } catch {
    return undefined;
  }
}

/** The status filter in SQL, as toSaleView decides it at `now` (a sale without lots closes at its first end). */
function whereStatus(q: Knex.QueryBuilder, status: SaleView['status'], now: Date) {
  const empty = (b: Knex.QueryBuilder) => b.where('lot_count', 0).andWhere('first_lot_ends_at', '<=', now);
  if (status === 'cancelled') q.where('status', 'cancelled');
  if (status === 'scheduled') q.where('status', 'active').andWhere('starts_at', '>', now);
  if (status === 'open')
    q.where('status', 'active')
      .andWhere('starts_at', '<=', now)
      .whereNot((b) => empty(b));
  if (status === 'closed')
    q.where((b) => b.where('status', 'closed').orWhere((c) => empty(c.where('status', 'active'))));
}

/** The sales' read model (the `sales` projection); a sale's lots are auctions (AuctionQueries.lots). */
export function getSaleQueries(knex: Knex) {
  const toView = (r: { state: Sale; revision: string }, now: Date) =>
    toSaleView(r.state, Number(r.revision), now.getTime());
  return {
    /** Newest first, a page at a time. */
    async list(filter: SaleListFilter, now: Date) {
      const q = knex('sales').select('sale_id', 'revision', 'state', 'created_at');
      if (filter.status) whereStatus(q, filter.status, now);
      if (filter.sellerId) q.where('seller_id', filter.sellerId);
      if (filter.cursor) q.whereRaw('(created_at, sale_id) < (?, ?)', [filter.cursor.key, filter.cursor.id]);
      const rows = await q
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'sale_id', order: 'desc' },
        ])
        .limit(filter.limit + 1);
      const page = rows.slice(0, filter.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => toView(r, now)),
        nextCursor:
          rows.length > filter.limit && last
            ? encodeCursor((last.created_at as Date).toISOString(), last.sale_id)
            : null,
      };
    },

    /** The sale and its lots' auction ids in lot order (for the sale channel). */
    async withLots(saleId: string, now: Date): Promise<{ view: SaleView; lotIds: string[] } | undefined> {
      const row = await knex('sales').where({ sale_id: saleId }).first('revision', 'state');
      return row && { view: toView(row, now), lotIds: (row.state as Sale).lots.map((l) => l.auctionId) };
    },

    async get(saleId: string, now: Date): Promise<SaleView | undefined> {
      const row = await knex('sales').where({ sale_id: saleId }).first('revision', 'state');
      return row ? toView(row, now) : undefined;
    },
  };
}

export type SaleQueries = ReturnType<typeof getSaleQueries>;
