import type { Knex } from 'knex';
import type { Invoice, Offer } from '../../invoicing';
import { INVOICES_PROJECTION, readStoredCheckpoint } from '../../projections';

/** A page of a table's rows (their state), newest first. */
async function page<T>(
  knex: Knex,
  table: string,
  where: Record<string, string>,
  order: string,
  limit: number,
  offset: number,
): Promise<{ items: T[]; nextCursor: string | null }> {
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
}

/** After the hammer's read model: the lists, and what the deadlines' sweep and erasure ask. */
export function getInvoiceQueries(knex: Knex) {
  return {
    position: () => readStoredCheckpoint(knex, INVOICES_PROJECTION),
    invoicesOf: (role: 'buyer_id' | 'seller_id', userId: string, limit: number, offset: number) =>
      page<Invoice>(knex, 'invoices', { [role]: userId }, 'issued_at', limit, offset),
    offersOf: (bidderId: string, limit: number, offset: number) =>
      page<Offer>(knex, 'offers', { bidder_id: bidderId }, 'made_at', limit, offset),
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
