import type Redis from 'ioredis';
import type { Knex } from 'knex';
import { currentGeneration, redisKeys } from '../../src/projections';

/** Every row of a PostgreSQL read model schema, in a stable order, for equality checks. */
export async function snapshotPostgres(knex: Knex, schema: string) {
  const [auctions, bids, userBids] = await Promise.all([
    knex(`${schema}.auctions`).orderBy('auction_id').select('*'),
    knex(`${schema}.bids`).orderBy('bid_id').select('*'),
    knex(`${schema}.user_bids`).orderBy(['user_id', 'auction_id']).select('*'),
  ]);
  return { auctions, bids, userBids };
}

/** Each auction's state and revision as the Redis read model holds them. */
export async function snapshotRedisStates(redis: Redis, prefix: string, auctionIds: string[]) {
  const keys = redisKeys(prefix, await currentGeneration(redis, prefix));
  const states: Record<string, { state: unknown; revision: number } | null> = {};
  for (const id of [...auctionIds].sort()) {
    const [state, revision] = await redis.hmget(keys.auction(id), 'state', 'revision');
    states[id] = state && revision ? { state: JSON.parse(state), revision: Number(revision) } : null;
  }
  return states;
}

export async function waitUntil(predicate: () => Promise<boolean>, timeoutMs = 20_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
