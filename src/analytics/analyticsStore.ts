import type { Knex } from 'knex';
import { auctionIdOfStream, fromStoredState, toStoredState } from '../auction';
import type { Migration } from '../platform';
import {
  CheckpointMovedError,
  getStateCache,
  readStoredCheckpoint,
  type ProjectionStore,
} from '../projections';
import { foldFacts, type AuctionFacts } from './auctionFacts';

export const ANALYTICS_PROJECTION = 'analytics';

export const analyticsMigrations: Migration[] = [
  {
    name: '0400_analytics',
    async up(knex: Knex) {
      await knex.raw(`
        CREATE TABLE analytics_auctions (
          auction_id uuid PRIMARY KEY,
          revision bigint NOT NULL,
          state jsonb NOT NULL,
          currency text NOT NULL,
          status text NOT NULL,
          ended_at timestamptz,
          outcome text,
          final_price bigint,
          bids integer NOT NULL,
          auto_bids integer NOT NULL,
          late_bids integer NOT NULL,
          extensions integer NOT NULL,
          bidders uuid[] NOT NULL
        );
        CREATE INDEX ON analytics_auctions (ended_at) WHERE ended_at IS NOT NULL;
      `);
    },
    async down(knex: Knex) {
      await knex.raw('DROP TABLE analytics_auctions');
    },
  },
];

const toRow = (f: AuctionFacts) => ({
  auction_id: f.auctionId,
  revision: f.revision,
  state: JSON.stringify(toStoredState(f.state)),
  currency: f.currency,
  status: f.status,
  ended_at: f.endedAt,
  outcome: f.outcome,
  final_price: f.finalPrice,
  bids: f.bids,
  auto_bids: f.autoBids,
  late_bids: f.lateBids,
  extensions: f.extensions,
  bidders: f.bidders,
});

const fromRow = (r: Record<string, unknown>): AuctionFacts => ({
  auctionId: r.auction_id as string,
  revision: Number(r.revision),
  state: fromStoredState(r.state as never),
  currency: r.currency as string,
  status: r.status as AuctionFacts['status'],
  endedAt: r.ended_at ? (r.ended_at as Date).toISOString() : null,
  outcome: (r.outcome as string | null) ?? null,
  finalPrice: r.final_price === null ? null : Number(r.final_price),
  bids: Number(r.bids),
  autoBids: Number(r.auto_bids),
  lateBids: Number(r.late_bids),
  extensions: Number(r.extensions),
  bidders: r.bidders as string[],
});

/**
 * The market summary's projection: one row of facts per auction (its counts, outcome and end),
 * each batch written with the checkpoint in one transaction. Rebuildable like the others: reset
 * its checkpoint and empty the table, and it folds the log again to the same rows.
 */
export function analyticsStore(db: Knex): ProjectionStore {
  const name = ANALYTICS_PROJECTION;
  const cache = getStateCache<AuctionFacts>(); // what this run committed last (see getStateCache)
  return {
    name,
    readCheckpoint: () => readStoredCheckpoint(db, name),
    async applyBatch(events, expected, next) {
      const ids = [...new Set(events.flatMap((e) => auctionIdOfStream(e.streamId) ?? []))];
      const { found: current, missing } = cache.lookup(ids);
      if (missing.length > 0)
        for (const r of await db('analytics_auctions').whereIn('auction_id', missing).select('*'))
          current.set(r.auction_id as string, fromRow(r));
      const changed = foldFacts(current, events);
      await db.transaction(async (trx) => {
        await trx('projection_checkpoints').insert({ name, position: '' }).onConflict('name').ignore();
        const moved = await trx('projection_checkpoints')
          .where({ name, position: expected ?? '' })
          .update({ position: next, updated_at: trx.fn.now() });
        if (moved !== 1) throw new CheckpointMovedError(`${name} checkpoint moved`);
        if (changed.size > 0)
          await trx('analytics_auctions')
            .insert([...changed.values()].map(toRow))
            .onConflict('auction_id')
            .merge();
      });
      return [];
    },
  };
}
