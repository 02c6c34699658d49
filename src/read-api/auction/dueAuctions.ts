import type { Knex } from 'knex';
import { READ_MODEL_SCHEMA } from '../../projections';

/**
 * The auction read model's answer to the scheduler's sweep: open auctions whose end has passed,
 * and those ending within a window. The scheduler is handed these functions by the composition
 * root; it never reads the read model's tables itself.
 */
export function getDueAuctions(knex: Knex, schema = READ_MODEL_SCHEMA) {
  const open = () => knex(`${schema}.auctions`).where('status', 'active');
  return {
    async endedBy(now: Date, limit: number): Promise<Array<{ auctionId: string; endsAt: Date }>> {
      const rows = await open()
        .andWhere('ends_at', '<=', now)
        .orderBy('ends_at')
        .limit(limit)
        .select<Array<{ auction_id: string; ends_at: Date }>>('auction_id', 'ends_at');
      return rows.map((r) => ({ auctionId: r.auction_id, endsAt: r.ends_at }));
    },
    async endingBetween(from: Date, to: Date, limit: number): Promise<string[]> {
      const rows = await open()
        .andWhere('ends_at', '>', from)
        .andWhere('ends_at', '<=', to)
        .orderBy('ends_at')
        .limit(limit)
        .select<Array<{ auction_id: string }>>('auction_id');
      return rows.map((r) => r.auction_id);
    },
  };
}
