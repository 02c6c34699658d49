import type { Knex } from 'knex';
import { readStoredCheckpoint } from '../../projections';
import { ANALYTICS_PROJECTION } from '../../projections';

export interface Range {
  from: Date;
  to: Date;
  currency?: string;
}

/** Reads of the analytics projection, one statement each. */
export function getAnalyticsQueries(knex: Knex) {
  const ended = (range: Range) => {
    const q = knex('analytics_auctions')
      .whereNotNull('ended_at')
      .andWhere('ended_at', '>=', range.from)
      .andWhere('ended_at', '<=', range.to);
    if (range.currency) q.andWhere('currency', range.currency);
    return q;
  };
  return {
    position: () => readStoredCheckpoint(knex, ANALYTICS_PROJECTION),

    /** The market over the auctions that ended (closed, or were cancelled) in the range. */
    async summary(range: Range) {
      const [totals] = await ended(range).select(
        knex.raw('count(*)::int AS auctions'),
        knex.raw(`count(*) FILTER (WHERE status = 'closed')::int AS closed`),
        knex.raw(`count(*) FILTER (WHERE outcome = 'sold')::int AS sold`),
        knex.raw('coalesce(sum(bids), 0)::bigint AS bids'),
        knex.raw('coalesce(sum(auto_bids), 0)::bigint AS auto_bids'),
        knex.raw('coalesce(sum(late_bids), 0)::bigint AS late_bids'),
        knex.raw('coalesce(sum(extensions), 0)::bigint AS extensions'),
        knex.raw(
          `coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY bids) FILTER (WHERE status = 'closed'), 0) AS median_bids`,
        ),
      );
      const [{ bidders }] = await knex
        .from(ended(range).select(knex.raw('unnest(bidders) AS bidder')).as('b'))
        .select(knex.raw('count(DISTINCT bidder)::int AS bidders'));
      const revenue = await ended(range)
        .where('outcome', 'sold')
        .groupBy('currency')
        .orderBy('currency')
        .select('currency', knex.raw('sum(final_price)::bigint AS revenue'));
      const t = totals as Record<string, string | number>;
      const bids = Number(t.bids);
      const share = (n: unknown) => (bids === 0 ? 0 : Math.round((Number(n) / bids) * 10_000) / 10_000);
      const closed = Number(t.closed);
      return {
        auctions: Number(t.auctions),
        closed,
        sold: Number(t.sold),
        sellThroughRate: closed === 0 ? 0 : Math.round((Number(t.sold) / closed) * 10_000) / 10_000,
        revenue: Object.fromEntries(revenue.map((r) => [r.currency as string, Number(r.revenue)])),
        bids,
        bidders: Number(bidders),
        proxyBidShare: share(t.auto_bids),
        lateBidShare: share(t.late_bids),
        extensions: Number(t.extensions),
        medianBidsPerAuction: Number(t.median_bids),
      };
    },

    /** The closed auctions of a range, at most `limit` (one more tells the caller there are more). */
    async closedAuctionIds(range: Range, limit: number): Promise<string[]> {
      const rows = await ended(range)
        .where('status', 'closed')
        .orderBy('ended_at')
        .limit(limit)
        .select('auction_id');
      return rows.map((r) => r.auction_id as string);
    },
  };
}

export type AnalyticsQueries = ReturnType<typeof getAnalyticsQueries>;
