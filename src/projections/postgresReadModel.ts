import type { Knex } from 'knex';
import type { BidPlaced, RecordedEvent } from '../events';
import { affectedAuctionIds, auctionIdOf, foldAuctions, type StoredAuction } from './auctionStates';
import { READ_MODEL_SCHEMA } from './migrations';
import { CheckpointMovedError, type AuctionChange, type ProjectionStore } from './projectionStore';
import { stateCache, type StateCache } from './stateCache';

export const POSTGRES_PROJECTION = 'postgres-read-model';

interface AuctionRow {
  auction_id: string;
  revision: string;
  state: StoredAuction['state'];
}

/** Locks the checkpoint row (created empty if missing) and checks it is where this runner left it. */
async function lockCheckpoint(trx: Knex.Transaction, name: string, expected: string | undefined) {
  await trx('projection_checkpoints').insert({ name, position: '' }).onConflict('name').ignore();
  const row = await trx('projection_checkpoints').where({ name }).forUpdate().first('position');
  if (((row?.position as string) || undefined) !== expected)
    throw new CheckpointMovedError(`${name} checkpoint moved`);
}

async function storeCheckpoint(trx: Knex.Transaction, name: string, position: string) {
  await trx('projection_checkpoints')
    .insert({ name, position, updated_at: trx.fn.now() })
    .onConflict('name')
    .merge(['position', 'updated_at']);
}

/**
 * Applies a batch to the read model tables of `schema` (no checkpoint). Returns what changed
 * and the new states, for the caller to remember once the transaction committed.
 */
export async function applyToReadModel(
  trx: Knex.Transaction,
  schema: string,
  events: RecordedEvent[],
  cache?: StateCache,
): Promise<{ changes: AuctionChange[]; states: Map<string, StoredAuction> }> {
  const ids = affectedAuctionIds(events);
  if (ids.length === 0) return { changes: [], states: new Map() };
  const { found, missing } = cache
    ? cache.lookup(ids)
    : { found: new Map<string, StoredAuction>(), missing: ids };
  if (missing.length > 0) {
    const rows = await trx<AuctionRow>(`${schema}.auctions`)
      .whereIn('auction_id', missing)
      .select('auction_id', 'revision', 'state');
    for (const r of rows) found.set(r.auction_id, { state: r.state, revision: Number(r.revision) });
  }
  const { auctions, applied } = foldAuctions(found, events);
  if (applied.length === 0) return { changes: [], states: new Map() };

  const changedIds = new Set(applied.map((e) => auctionIdOf(e)!));
  const auctionRows = [...changedIds].map((id) => {
    const { state, revision } = auctions.get(id)!;
    return {
      auction_id: id,
      seller_id: state.sellerId,
      status: state.status,
      starts_at: new Date(state.startsAt),
      ends_at: new Date(state.endsAt),
      created_at: new Date(state.createdAt),
      revision,
      state: JSON.stringify(state),
    };
  });
  await trx(`${schema}.auctions`)
    .insert(auctionRows)
    .onConflict('auction_id')
    .merge(['status', 'ends_at', 'revision', 'state']);

  const bids = applied.filter((e) => e.type === 'BidPlaced');
  if (bids.length > 0) {
    await trx(`${schema}.bids`)
      .insert(
        bids.map((e) => {
          const bid = e.data as BidPlaced;
          return {
            bid_id: bid.bidId,
            auction_id: auctionIdOf(e),
            bidder_id: bid.bidderId,
            amount: bid.amount,
            auto: bid.auto,
            placed_at: bid.placedAt,
            revision: Number(e.revision),
          };
        }),
      )
      .onConflict('bid_id')
      .ignore();
    const highest = new Map<
      string,
      { user_id: string; auction_id: string; my_highest_bid: number; last_bid_at: string }
    >();
    for (const e of bids) {
      const bid = e.data as BidPlaced;
      const key = `${bid.bidderId}:${auctionIdOf(e)}`;
      const seen = highest.get(key);
      highest.set(key, {
        user_id: bid.bidderId,
        auction_id: auctionIdOf(e)!,
        my_highest_bid: Math.max(seen?.my_highest_bid ?? 0, bid.amount),
        last_bid_at: bid.placedAt,
      });
    }
    await trx.raw(
      `INSERT INTO "${schema}".user_bids (user_id, auction_id, my_highest_bid, last_bid_at)
       SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(user_id uuid, auction_id uuid, my_highest_bid bigint, last_bid_at timestamptz)
       ON CONFLICT (user_id, auction_id) DO UPDATE SET
         my_highest_bid = GREATEST(user_bids.my_highest_bid, EXCLUDED.my_highest_bid),
         last_bid_at = GREATEST(user_bids.last_bid_at, EXCLUDED.last_bid_at)`,
      [JSON.stringify([...highest.values()])],
    );
  }
  return {
    changes: [...changedIds].map((auctionId) => ({
      auctionId,
      events: applied.filter((e) => auctionIdOf(e) === auctionId),
    })),
    states: new Map([...changedIds].map((id) => [id, auctions.get(id)!])),
  };
}

/** The PostgreSQL read model: auctions, bids, each user's bids; batch and checkpoint in one transaction. */
export function postgresReadModel(
  knex: Knex,
  name = POSTGRES_PROJECTION,
  schema = READ_MODEL_SCHEMA,
): ProjectionStore {
  const cache = stateCache();
  return {
    name,
    async readCheckpoint() {
      const row = await knex('projection_checkpoints').where({ name }).first('position');
      return (row?.position as string) || undefined;
    },
    async applyBatch(events, expected, next) {
      const { changes, states } = await knex.transaction(async (trx) => {
        // The read model is derived: a crash may lose its newest commits, checkpoint included,
        // and it re-applies them. Not waiting for the WAL flush halves the batch's cost.
        await trx.raw('SET LOCAL synchronous_commit = off');
        await lockCheckpoint(trx, name, expected);
        const applied = await applyToReadModel(trx, schema, events, cache);
        await storeCheckpoint(trx, name, next);
        return applied;
      });
      cache.remember(states);
      return changes;
    },
  };
}

export { storeCheckpoint };
