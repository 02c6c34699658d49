import type { Knex } from 'knex';
import {
  isSealed,
  fromStoredState,
  type Auction,
  toAuctionView,
  viewFor,
  type AuctionView,
} from '../../auction';
import { READ_MODEL_SCHEMA } from '../../projections';

export interface ListFilter {
  status?: AuctionView['status'];
  sellerId?: string;
  sort: 'endingSoon' | 'newest';
  limit: number;
  cursor?: { key: string; id: string };
}

interface Row {
  auction_id: string;
  revision: string;
  state: Auction;
  ends_at: Date;
  created_at: Date;
}

const encodeCursor = (key: Date, id: string) =>
  Buffer.from(JSON.stringify([key.toISOString(), id])).toString('base64url');

export function decodeCursor(cursor: string): { key: string; id: string } | undefined {
  try {
    const [key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof key !== 'string' || Number.isNaN(Date.parse(key)) || typeof id !== 'string') return undefined;
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    return { key, id };
  } catch {
    return undefined;
  }
}

const BID_COLUMNS = ['bid_id', 'bidder_id', 'amount', 'auto', 'placed_at', 'revision'];
const toBid = (r: Record<string, unknown>) => ({
  bidId: r.bid_id as string,
  bidderId: r.bidder_id as string,
  amount: Number(r.amount),
  auto: r.auto as boolean,
  placedAt: (r.placed_at as Date).toISOString(),
  revision: Number(r.revision),
});

type Table = (name: string) => string;

async function listAuctions(
  knex: Knex,
  t: Table,
  filter: ListFilter,
  viewerId: string | undefined,
  now: Date,
) {
  const q = knex<Row>(t('auctions')).select('auction_id', 'revision', 'state', 'ends_at', 'created_at');
  if (filter.status === 'cancelled' || filter.status === 'closed') q.where('status', filter.status);
  if (filter.status === 'scheduled') q.where('status', 'active').andWhere('starts_at', '>', now);
  if (filter.status === 'open') q.where('status', 'active').andWhere('starts_at', '<=', now);
  if (filter.sellerId) q.where('seller_id', filter.sellerId);
  if (filter.sort === 'endingSoon') {
    if (filter.cursor) q.whereRaw('(ends_at, auction_id) > (?, ?)', [filter.cursor.key, filter.cursor.id]);
    q.orderBy([{ column: 'ends_at' }, { column: 'auction_id' }]);
  } else {
    if (filter.cursor) q.whereRaw('(created_at, auction_id) < (?, ?)', [filter.cursor.key, filter.cursor.id]);
    q.orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'auction_id', order: 'desc' },
    ]);
  }
  const rows = await q.limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) =>
      viewFor(toAuctionView(fromStoredState(r.state), Number(r.revision), now.getTime()), viewerId),
    ),
    nextCursor:
      rows.length > filter.limit && last
        ? encodeCursor(filter.sort === 'endingSoon' ? last.ends_at : last.created_at, last.auction_id)
        : null,
  };
}

/** A sealed auction's bids are nobody's to see (the list is public) until it has closed. */
async function sealedUntilClose(knex: Knex, t: Table, auctionId: string) {
  const row = (await knex(t('auctions'))
    .where({ auction_id: auctionId })
    .first('status', knex.raw(`state->>'format' AS format`))) as
    { status: string; format: string | null } | undefined;
  return row !== undefined && row.status !== 'closed' && (row.format ?? '').startsWith('sealed');
}

async function bidsOf(knex: Knex, t: Table, auctionId: string, limit: number, beforeRevision?: number) {
  if (await sealedUntilClose(knex, t, auctionId)) return { items: [], nextCursor: null };
  const q = knex(t('bids'))
    .where({ auction_id: auctionId })
    .orderBy('revision', 'desc')
    .limit(limit + 1)
    .select(BID_COLUMNS);
  if (beforeRevision !== undefined) q.andWhere('revision', '<', beforeRevision);
  const rows = await q;
  const page = rows.slice(0, limit);
  return {
    items: page.map(toBid),
    nextCursor: rows.length > limit ? String(page[page.length - 1]!.revision) : null,
  };
}

/** A sale's lots in catalogue order, as each viewer sees an auction, a page at a time. */
async function lotsOf(
  knex: Knex,
  t: Table,
  saleId: string,
  page: { limit: number; afterLot?: number },
  viewerId: string | undefined,
  now: Date,
) {
  const q = knex(t('auctions'))
    .whereRaw(`state->>'saleId' IS NOT NULL AND (state->>'saleId')::uuid = ?`, [saleId])
    .select('revision', 'state', knex.raw(`(state->>'lotNumber')::int AS lot_number`))
    .orderByRaw(`(state->>'lotNumber')::int`)
    .limit(page.limit + 1);
  if (page.afterLot !== undefined) q.andWhereRaw(`(state->>'lotNumber')::int > ?`, [page.afterLot]);
  const rows = (await q) as Array<{ revision: string; state: Auction; lot_number: number }>;
  return {
    items: rows
      .slice(0, page.limit)
      .map((r) =>
        viewFor(toAuctionView(fromStoredState(r.state), Number(r.revision), now.getTime()), viewerId),
      ),
    nextCursor: rows.length > page.limit ? String(rows[page.limit - 1]!.lot_number) : null,
  };
}

/** Where a user stands in an auction they bid in. */
function myStateIn(state: Auction, userId: string) {
  if (state.status === 'closed') return state.winnerId === userId ? 'won' : 'lost';
  if (state.status === 'cancelled') return 'lost';
  if (isSealed(state)) return 'sealed'; // where it stands is nobody's to know until the close
  return state.leader?.bidderId === userId ? 'leading' : 'outbid';
}

/** One of a user's auctions; their own ceiling only while they lead an open auction. */
function myBidItem(r: Record<string, unknown>, userId: string, now: Date) {
  const state = fromStoredState(r.state as Auction);
  const leading = state.leader?.bidderId === userId;
  const view = toAuctionView(state, Number(r.revision), now.getTime());
  return {
    auctionId: r.auction_id as string,
    title: state.title,
    currency: state.currency,
    myHighestBid: Number(r.my_highest_bid),
    currentPrice: view.currentPrice,
    state: myStateIn(state, userId),
    endsAt: view.endsAt,
    status: view.status,
    myMaxAmount: leading && state.status === 'active' ? state.leader!.ceiling : null,
  };
}

/** The auctions a user bid in, the latest bid first, a page at a time. */
async function myBids(
  knex: Knex,
  t: Table,
  userId: string,
  now: Date,
  page: { limit: number; cursor?: { key: string; id: string } },
) {
  const q = knex(`${t('user_bids')} as ub`)
    .join(`${t('auctions')} as a`, 'a.auction_id', 'ub.auction_id')
    .where('ub.user_id', userId)
    .orderBy([
      { column: 'ub.last_bid_at', order: 'desc' },
      { column: 'ub.auction_id', order: 'desc' },
    ])
    .limit(page.limit + 1)
    .select('ub.auction_id', 'ub.my_highest_bid', 'ub.last_bid_at', 'a.state', 'a.revision');
  if (page.cursor) q.whereRaw('(ub.last_bid_at, ub.auction_id) < (?, ?)', [page.cursor.key, page.cursor.id]);
  const rows = await q;
  const last = rows.length > page.limit ? rows[page.limit - 1] : undefined;
  return {
    items: rows.slice(0, page.limit).map((r) => myBidItem(r, userId, now)),
    nextCursor: last ? encodeCursor(last.last_bid_at as Date, last.auction_id as string) : null,
  };
}

/** SQL reads of the PostgreSQL read model, one statement each. */
export function getAuctionQueries(knex: Knex, schema = READ_MODEL_SCHEMA) {
  const t = (name: string) => `${schema}.${name}`;
  return {
    list: (filter: ListFilter, viewerId: string | undefined, now: Date) =>
      listAuctions(knex, t, filter, viewerId, now),

    async get(auctionId: string, viewerId: string | undefined, now: Date): Promise<AuctionView | undefined> {
      const row = await knex<Row>(t('auctions')).where({ auction_id: auctionId }).first('revision', 'state');
      return row
        ? viewFor(toAuctionView(fromStoredState(row.state), Number(row.revision), now.getTime()), viewerId)
        : undefined;
    },

    async bid(auctionId: string, bidId: string) {
      if (await sealedUntilClose(knex, t, auctionId)) return undefined;
      const row = await knex(t('bids')).where({ auction_id: auctionId, bid_id: bidId }).first(BID_COLUMNS);
      return row && toBid(row);
    },

    async exists(auctionId: string): Promise<boolean> {
      return Boolean(await knex(t('auctions')).where({ auction_id: auctionId }).first('auction_id'));
    },

    /** A sale's lots (auctions of the sale) in lot order. */
    lots: (
      saleId: string,
      page: { limit: number; afterLot?: number },
      viewerId: string | undefined,
      now: Date,
    ) => lotsOf(knex, t, saleId, page, viewerId, now),

    bids: (auctionId: string, limit: number, beforeRevision?: number) =>
      bidsOf(knex, t, auctionId, limit, beforeRevision),

    /** The auctions a user bid in, the latest bid first, a page at a time. */
    myBids: (userId: string, now: Date, page: { limit: number; cursor?: { key: string; id: string } }) =>
      myBids(knex, t, userId, now, page),
  };
}

export type AuctionQueries = ReturnType<typeof getAuctionQueries>;
