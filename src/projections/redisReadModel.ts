import type Redis from 'ioredis';
import { affectedAuctionIds, auctionIdOf, foldAuctions } from './auctionStates';
import { toAuctionView, viewFor, type AuctionView } from './auctionView';
import { CheckpointMovedError, type ProjectionStore } from './projectionStore';
import { stateCache } from './stateCache';

export const REDIS_PROJECTION = 'redis-read-model';

/**
 * Keys, under an optional prefix and a generation (a rebuild fills the next generation, then
 * switches `rm:generation`):
 *   rm:<g>:checkpoint:<name>   the projection's position: in Redis itself, so a Redis that lost
 *                              its data has lost the checkpoint too and simply rebuilds
 *   rm:<g>:auction:<id>        hash: state, revision, view (public JSON), status, startsAt, sellerId, reserve
 *   rm:<g>:ending              sorted set of active auctions by end time
 */
export const redisKeys = (prefix: string, generation: string) => ({
  generation: `${prefix}rm:generation`,
  checkpoint: (name: string) => `${prefix}rm:${generation}:checkpoint:${name}`,
  auction: (id: string) => `${prefix}rm:${generation}:auction:${id}`,
  ending: `${prefix}rm:${generation}:ending`,
});

// Compare-and-set of the checkpoint with the batch's writes, atomically; refused as well when a
// rebuild switched the generation (the runner then restarts on the new one).
const APPLY_SCRIPT = `
if ARGV[4] ~= '' and (redis.call('GET', KEYS[2]) or '0') ~= ARGV[4] then return 0 end
local cp = redis.call('GET', KEYS[1])
if (cp or '') ~= ARGV[1] then return 0 end
local ops = cjson.decode(ARGV[3])
for _, op in ipairs(ops) do
  if op[1] == 'hset' then redis.call('HSET', op[2], unpack(op, 3))
  elseif op[1] == 'zadd' then redis.call('ZADD', op[2], op[3], op[4])
  elseif op[1] == 'zrem' then redis.call('ZREM', op[2], op[3]) end
end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;

type Op = ['hset', string, ...string[]] | ['zadd', string, number, string] | ['zrem', string, string];

export async function currentGeneration(redis: Redis, prefix: string): Promise<string> {
  return (await redis.get(redisKeys(prefix, '0').generation)) ?? '0';
}

export function redisReadModel(
  redis: Redis,
  options: {
    prefix: string;
    generation: string;
    name?: string;
    /** false while a rebuild fills a generation that is not current yet */
    checkGeneration?: boolean;
  },
): ProjectionStore {
  const name = options.name ?? REDIS_PROJECTION;
  const keys = redisKeys(options.prefix, options.generation);
  const cache = stateCache();
  return {
    name,
    async readCheckpoint() {
      return (await redis.get(keys.checkpoint(name))) ?? undefined;
    },
    async applyBatch(events, expected, next) {
      const { found: current, missing } = cache.lookup(affectedAuctionIds(events));
      if (missing.length > 0) {
        const pipeline = redis.pipeline();
        for (const id of missing) pipeline.hmget(keys.auction(id), 'state', 'revision');
        const results = (await pipeline.exec()) ?? [];
        results.forEach(([error, value], i) => {
          if (error) throw error;
          const [state, revision] = value as [string | null, string | null];
          if (state && revision)
            current.set(missing[i]!, { state: JSON.parse(state), revision: Number(revision) });
        });
      }
      const { auctions, applied } = foldAuctions(current, events);
      const now = Date.now();
      const ops: Op[] = [];
      const changed = new Set(applied.map((e) => auctionIdOf(e)!));
      for (const id of changed) {
        const { state, revision } = auctions.get(id)!;
        const view = viewFor(toAuctionView(state, revision, now), undefined);
        ops.push([
          'hset',
          keys.auction(id),
          'state',
          JSON.stringify(state),
          'revision',
          String(revision),
          'view',
          JSON.stringify(view),
          'status',
          view.status,
          'startsAt',
          String(state.startsAt),
          'sellerId',
          state.sellerId,
          'reserve',
          state.reservePrice === null ? '' : String(state.reservePrice),
        ]);
        if (state.status === 'active') ops.push(['zadd', keys.ending, state.endsAt, id]);
        else ops.push(['zrem', keys.ending, id]);
      }
      const ok = await redis.eval(
        APPLY_SCRIPT,
        2,
        keys.checkpoint(name),
        keys.generation,
        expected ?? '',
        next,
        JSON.stringify(ops),
        options.checkGeneration === false ? '' : options.generation,
      );
      if (ok !== 1) throw new CheckpointMovedError(`${name} checkpoint moved`);
      cache.remember(new Map([...changed].map((id) => [id, auctions.get(id)!])));
      return [...changed].map((auctionId) => ({
        auctionId,
        events: applied.filter((e) => auctionIdOf(e) === auctionId),
      }));
    },
  };
}

/** Reads the hot route's view from Redis; undefined when Redis does not have it (yet). */
export function redisAuctionViews(redis: Redis, prefix: string) {
  let generation = '0';
  let refreshedAt = 0;
  const keysNow = async () => {
    if (Date.now() - refreshedAt > 1000) {
      generation = await currentGeneration(redis, prefix);
      refreshedAt = Date.now();
    }
    return redisKeys(prefix, generation);
  };
  return {
    /** The view as `viewerId` may see it, as a JSON string when no field needs changing. */
    async get(
      auctionId: string,
      viewerId: string | undefined,
      now: number,
    ): Promise<string | AuctionView | undefined> {
      const keys = await keysNow();
      const [view, status, startsAt, sellerId, reserve] = await redis.hmget(
        keys.auction(auctionId),
        'view',
        'status',
        'startsAt',
        'sellerId',
        'reserve',
      );
      if (!view) return undefined;
      const stale = status === 'scheduled' && now >= Number(startsAt);
      if (!stale && viewerId !== sellerId) return view;
      const parsed = JSON.parse(view) as AuctionView;
      if (stale) parsed.status = 'open';
      if (viewerId === sellerId) parsed.reservePrice = reserve ? Number(reserve) : null;
      return parsed;
    },
    async checkpoint(): Promise<string | undefined> {
      const keys = await keysNow();
      return (await redis.get(keys.checkpoint(REDIS_PROJECTION))) ?? undefined;
    },
  };
}
