import { storedCheckpoint } from '../storedCheckpoint';
import type { Knex } from 'knex';
import { jsonRowsWith, preparedStatement } from '../../platform';
import type { RecordedEvent } from '../../events';
import { fromStoredState } from '../../auction';
import { bidChanges } from './bidRows';
import { affectedAuctionIds, foldAuctions, storedStateJson, type StoredAuction } from '../../auction';
import { READ_MODEL_SCHEMA } from './migrations';
import { CheckpointMovedError, type AuctionChange, type ProjectionStore } from '../projectionStore';
import { getStateCache, type StateCache } from '../stateCache';

export const POSTGRES_PROJECTION = 'postgres-read-model';

interface AuctionRow {
  auction_id: string;
  revision: string;
  state: StoredAuction['state'];
}

/** What a batch writes, worked out in memory from the states it starts from. */
export function planBatch(current: Map<string, StoredAuction>, events: RecordedEvent[]) {
  const { auctions, applied, changed } = foldAuctions(current, events);
  const changedIds = [...changed.keys()];
  const auctionRows = changedIds.map((id) => {
    const { state, revision } = auctions.get(id)!;
    return {
      auction_id: id,
      seller_id: state.sellerId,
      status: state.status,
      starts_at: new Date(state.startsAt).toISOString(),
      ends_at: new Date(state.endsAt).toISOString(),
      created_at: new Date(state.createdAt).toISOString(),
      revision,
      state,
    };
  });
  const { bidRows, deletedBidIds, recountAuctionIds, cancellations } = bidChanges(applied);
  const userBids = new Map<
    string,
    { user_id: string; auction_id: string; my_highest_bid: number; last_bid_at: string }
  >();
  for (const row of bidRows) {
    const key = `${row.bidder_id}:${row.auction_id}`;
    const before = userBids.get(key);
    // The latest placedAt, not the last in log order: two instances' bids can be appended out of
    // their placedAt order, and the row must not depend on how the log was cut into batches
    // (the statement below takes GREATEST across batches). Both are ISO strings in UTC.
    const lastBidAt = before && before.last_bid_at > row.placed_at ? before.last_bid_at : row.placed_at;
    userBids.set(key, {
      user_id: row.bidder_id,
      auction_id: row.auction_id,
      my_highest_bid: Math.max(before?.my_highest_bid ?? 0, row.amount),
      last_bid_at: lastBidAt,
    });
  }
  return {
    auctionRows,
    bidRows,
    deletedBidIds,
    recountAuctionIds,
    cancellations,
    userBidRows: [...userBids.values()],
    changes: changedIds.map((auctionId) => ({
      auctionId,
      events: changed.get(auctionId)!.map((step) => step.event),
    })) as AuctionChange[],
    states: new Map(changedIds.map((id) => [id, auctions.get(id)!])),
  };
}

/**
 * One statement writes a whole batch and, for a live projection, moves the checkpoint by
 * compare-and-set: when the checkpoint is not where the runner left it, nothing is written.
 * One statement keeps the transaction (and its hold on the global log's horizon) short.
 */
const writeBatchSql = (schema: string, withCheckpoint: boolean) => `
  WITH cp AS (
    ${
      withCheckpoint
        ? `UPDATE projection_checkpoints SET position = :next, updated_at = now()
           WHERE name = :name AND position = :expected RETURNING 1 AS ok`
        : 'SELECT 1 AS ok'
    }
  ), a AS (
    INSERT INTO "${schema}".auctions (auction_id, seller_id, status, starts_at, ends_at, created_at, revision, state)
    SELECT x.auction_id, x.seller_id, x.status, x.starts_at, x.ends_at, x.created_at, x.revision, x.state
    FROM jsonb_to_recordset(:auctions::jsonb) AS x(auction_id uuid, seller_id uuid, status text, starts_at timestamptz,
      ends_at timestamptz, created_at timestamptz, revision bigint, state jsonb)
    WHERE EXISTS (SELECT 1 FROM cp)
    ON CONFLICT (auction_id) DO UPDATE SET status = EXCLUDED.status, ends_at = EXCLUDED.ends_at,
      revision = EXCLUDED.revision, state = EXCLUDED.state
  ), b AS (
    INSERT INTO "${schema}".bids (bid_id, auction_id, bidder_id, amount, auto, placed_at, revision)
    SELECT * FROM jsonb_to_recordset(:bids::jsonb) AS x(bid_id uuid, auction_id uuid, bidder_id uuid, amount bigint,
      auto boolean, placed_at timestamptz, revision bigint)
    WHERE EXISTS (SELECT 1 FROM cp)
    ON CONFLICT (bid_id) DO UPDATE SET amount = EXCLUDED.amount, revision = EXCLUDED.revision
  ), u AS (
    INSERT INTO "${schema}".user_bids (user_id, auction_id, my_highest_bid, last_bid_at)
    SELECT * FROM jsonb_to_recordset(:userBids::jsonb) AS x(user_id uuid, auction_id uuid, my_highest_bid bigint,
      last_bid_at timestamptz)
    WHERE EXISTS (SELECT 1 FROM cp)
    ON CONFLICT (user_id, auction_id) DO UPDATE SET
      my_highest_bid = GREATEST(user_bids.my_highest_bid, EXCLUDED.my_highest_bid),
      last_bid_at = GREATEST(user_bids.last_bid_at, EXCLUDED.last_bid_at)
  )
  SELECT count(*)::int AS ok FROM cp`;

// One prepared statement per schema and kind (live with its checkpoint, or a rebuild's fill).
const writeBatchStatements = new Map<string, ReturnType<typeof preparedStatement<{ ok: number }>>>();
const writeBatchStatement = (schema: string, withCheckpoint: boolean) => {
  const name = `read-model-batch:${schema}:${withCheckpoint ? 'live' : 'fill'}`;
  let statement = writeBatchStatements.get(name);
  if (!statement) {
    statement = preparedStatement<{ ok: number }>(name, writeBatchSql(schema, withCheckpoint));
    writeBatchStatements.set(name, statement);
  }
  return statement;
};

/**
 * Applies a batch to the read model tables of `schema`; with `checkpoint`, moves it from
 * `expected` to `next` in the same statement or throws CheckpointMovedError having written
 * nothing. Returns what changed and the new states (to remember once committed).
 */
export async function applyToReadModel(
  db: Knex | Knex.Transaction,
  schema: string,
  events: RecordedEvent[],
  cache?: StateCache,
  checkpoint?: { name: string; expected: string | undefined; next: string },
): Promise<{ changes: AuctionChange[]; states: Map<string, StoredAuction> }> {
  const ids = affectedAuctionIds(events);
  const { found, missing } = cache
    ? cache.lookup(ids)
    : { found: new Map<string, StoredAuction>(), missing: ids };
  if (missing.length > 0) {
    const rows = await db<AuctionRow>(`${schema}.auctions`)
      .whereIn('auction_id', missing)
      .select('auction_id', 'revision', 'state');
    for (const r of rows)
      found.set(r.auction_id, { state: fromStoredState(r.state), revision: Number(r.revision) });
  }
  const plan = planBatch(found, events);
  if (plan.deletedBidIds.length > 0 || plan.recountAuctionIds.length > 0) {
    // A cancellation (rare): the batch, the bids it deletes and the rows of user_bids it counts
    // again, in one transaction.
    const write = (trx: Knex.Transaction) => writeBatch(trx, schema, plan, checkpoint);
    await ('commit' in db ? write(db) : db.transaction(write));
  } else await writeBatch(db, schema, plan, checkpoint);
  return { changes: plan.changes, states: plan.states };
}

async function writeBatch(
  db: Knex | Knex.Transaction,
  schema: string,
  plan: ReturnType<typeof planBatch>,
  checkpoint: { name: string; expected: string | undefined; next: string } | undefined,
) {
  const { rows } = await writeBatchStatement(schema, Boolean(checkpoint))(db, {
    next: checkpoint?.next ?? '',
    name: checkpoint?.name ?? '',
    expected: checkpoint?.expected ?? '',
    auctions: jsonRowsWith(plan.auctionRows, 'state', (row) => storedStateJson(row.state)),
    bids: JSON.stringify(plan.bidRows),
    userBids: JSON.stringify(plan.userBidRows),
  });
  if (rows[0]?.ok !== 1) throw new CheckpointMovedError(`${checkpoint?.name} checkpoint moved`);
  if (plan.deletedBidIds.length > 0)
    await db(`${schema}.bids`).whereIn('bid_id', plan.deletedBidIds).delete();
  if (plan.cancellations.length > 0)
    await db(`${schema}.bid_cancellations`).insert(plan.cancellations).onConflict('event_id').ignore();
  if (plan.recountAuctionIds.length > 0) await recountUserBids(db, schema, plan.recountAuctionIds);
}

/**
 * Counts the rows of user_bids of `auctionIds` again from the bids that stand: a bidder left with
 * none loses the row, the others get their highest standing amount and their latest bid's time.
 */
async function recountUserBids(db: Knex | Knex.Transaction, schema: string, auctionIds: string[]) {
  const ids = `{${auctionIds.join(',')}}`; // uuids, as a PostgreSQL array literal
  await db.raw(
    `DELETE FROM "${schema}".user_bids u WHERE u.auction_id = ANY(:ids::uuid[]) AND NOT EXISTS (
       SELECT 1 FROM "${schema}".bids b WHERE b.auction_id = u.auction_id AND b.bidder_id = u.user_id)`,
    { ids },
  );
  await db.raw(
    `INSERT INTO "${schema}".user_bids (user_id, auction_id, my_highest_bid, last_bid_at)
     SELECT bidder_id, auction_id, max(amount), max(placed_at) FROM "${schema}".bids
     WHERE auction_id = ANY(:ids::uuid[]) GROUP BY bidder_id, auction_id
     ON CONFLICT (user_id, auction_id) DO UPDATE
       SET my_highest_bid = EXCLUDED.my_highest_bid, last_bid_at = EXCLUDED.last_bid_at`,
    { ids },
  );
}

/**
 * The PostgreSQL read model: auctions, bids, each user's bids; each batch and its checkpoint in
 * one statement. `db` should not wait for the WAL flush (synchronous_commit off): the model is
 * derived, and a crash that loses its newest commits loses their checkpoint with them.
 */
export function postgresReadModel(
  db: Knex,
  name = POSTGRES_PROJECTION,
  schema = READ_MODEL_SCHEMA,
): ProjectionStore {
  const cache = getStateCache();
  const checkpoint = storedCheckpoint(db, name);
  return {
    name,
    readCheckpoint: checkpoint.read,
    async applyBatch(events, expected, next) {
      await checkpoint.ensure();
      const { changes, states } = await applyToReadModel(db, schema, events, cache, { name, expected, next });
      cache.remember(states);
      return changes;
    },
  };
}
