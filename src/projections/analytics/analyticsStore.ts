import { storedStateJson } from '../../auction';
import type { Knex } from 'knex';
import { auctionIdOfStream, fromStoredState } from '../../auction';
import { jsonRowsWith, preparedStatement, rewrittenRowsMigration, type Migration } from '../../platform';
import { CheckpointMovedError, type ProjectionStore } from '../projectionStore';
import { getStateCache } from '../stateCache';
import { storedCheckpoint } from '../storedCheckpoint';
import { foldFacts, type AuctionFacts } from '../../analytics';

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
  rewrittenRowsMigration('0401_analytics_fillfactor', 'analytics_auctions'),
];

/** A batch's facts and its checkpoint (compare-and-set) in one statement: all, or nothing. */
const writeBatchSql = `
  WITH cp AS (
    UPDATE projection_checkpoints SET position = :next, updated_at = now()
    WHERE name = :name AND position = :expected RETURNING 1 AS ok
  ), f AS (
    INSERT INTO analytics_auctions
    SELECT x.auction_id, x.revision, x.state, x.currency, x.status, x.ended_at, x.outcome, x.final_price,
      x.bids, x.auto_bids, x.late_bids, x.extensions, ARRAY(SELECT jsonb_array_elements_text(x.bidders))::uuid[]
    FROM jsonb_to_recordset(:facts::jsonb) AS x(auction_id uuid, revision bigint, state jsonb, currency text,
      status text, ended_at timestamptz, outcome text, final_price bigint, bids int, auto_bids int, late_bids int,
      extensions int, bidders jsonb)
    WHERE EXISTS (SELECT 1 FROM cp)
    ON CONFLICT (auction_id) DO UPDATE SET revision = EXCLUDED.revision, state = EXCLUDED.state,
      status = EXCLUDED.status, ended_at = EXCLUDED.ended_at, outcome = EXCLUDED.outcome,
      final_price = EXCLUDED.final_price, bids = EXCLUDED.bids, auto_bids = EXCLUDED.auto_bids,
      late_bids = EXCLUDED.late_bids, extensions = EXCLUDED.extensions, bidders = EXCLUDED.bidders
  )
  SELECT count(*)::int AS ok FROM cp`;
const writeBatch = preparedStatement<{ ok: number }>('analytics-batch', writeBatchSql);

const toRow = (f: AuctionFacts) => ({
  auction_id: f.auctionId,
  revision: f.revision,
  state: f.state,
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
 * each batch written with the checkpoint in one statement. Rebuildable like the others: reset
 * its checkpoint and empty the table, and it folds the log again to the same rows.
 */
export function analyticsStore(db: Knex): ProjectionStore {
  const name = ANALYTICS_PROJECTION;
  const cache = getStateCache<AuctionFacts>(); // what this run committed last (see getStateCache)
  const checkpoint = storedCheckpoint(db, name);
  return {
    name,
    readCheckpoint: checkpoint.read,
    async applyBatch(events, expected, next) {
      const ids = [...new Set(events.flatMap((e) => auctionIdOfStream(e.streamId) ?? []))];
      const { found: current, missing } = cache.lookup(ids);
      if (missing.length > 0)
        for (const r of await db('analytics_auctions').whereIn('auction_id', missing).select('*'))
          current.set(r.auction_id as string, fromRow(r));
      const changed = foldFacts(current, events);
      await checkpoint.ensure();
      const { rows } = await writeBatch(db, {
        name,
        next,
        expected: expected ?? '',
        facts: jsonRowsWith([...changed.values()].map(toRow), 'state', (row) => storedStateJson(row.state)),
      });
      if (rows[0]?.ok !== 1) throw new CheckpointMovedError(`${name} checkpoint moved`);
      cache.remember(changed);
      return [];
    },
  };
}
