import type Redis from 'ioredis';
import { dutchViewAt, type AuctionView } from '../../auction';
import { REDIS_PROJECTION, currentGeneration, redisKeys } from './redisReadModel';

/**
 * The Redis read model as the hot route reads it: an auction's stored view with the checkpoint
 * it is at least as new as, and the view as a viewer sees it (what the reserve and the leader's
 * ceiling show to whom, the status at this instant).
 */
export interface StoredView {
  viewJson: string;
  status: string;
  startsAt: number;
  sellerId: string;
  reserve: number | null;
  /** The leader and their ceiling: `myMaxAmount` for the leader's own reads, nobody else's. */
  leader: string | null;
  ceiling: number | null;
  revision: number;
}

/** Reads the hot route's view from Redis, with the checkpoint it is at least as new as, in one round trip. */
export function getRedisAuctionViews(redis: Redis, prefix: string) {
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
    async fetch(
      auctionId: string,
    ): Promise<{ checkpoint: string | undefined; view: StoredView | undefined }> {
      const keys = await keysNow();
      const results = await redis
        .pipeline()
        .get(keys.checkpoint(REDIS_PROJECTION)) // first: the view read after it is at least this new
        .hmget(
          keys.auction(auctionId),
          'view',
          'status',
          'startsAt',
          'sellerId',
          'reserve',
          'revision',
          'leader',
          'ceiling',
        )
        .exec();
      if (!results) throw new Error('Redis pipeline failed');
      for (const [error] of results) if (error) throw error;
      const checkpoint = (results[0]![1] as string | null) ?? undefined;
      const [viewJson, status, startsAt, sellerId, reserve, revision, leader, ceiling] =
        results[1]![1] as Array<string | null>;
      if (!viewJson) return { checkpoint, view: undefined };
      return {
        checkpoint,
        view: {
          viewJson,
          status: status!,
          startsAt: Number(startsAt),
          sellerId: sellerId!,
          reserve: reserve ? Number(reserve) : null,
          leader: leader || null,
          ceiling: ceiling ? Number(ceiling) : null,
          revision: Number(revision),
        },
      };
    },
    async checkpoint(): Promise<string | undefined> {
      const keys = await keysNow();
      return (await redis.get(keys.checkpoint(REDIS_PROJECTION))) ?? undefined;
    },
  };
}

export type RedisAuctionViews = ReturnType<typeof getRedisAuctionViews>;

/** The stored view as `viewerId` may see it at `now`: the JSON untouched unless a field must change. */
export function renderStoredView(
  view: Pick<StoredView, 'viewJson' | 'sellerId' | 'reserve' | 'leader' | 'ceiling'> & {
    status?: string;
    startsAt?: number;
  },
  viewerId: string | undefined,
  now: number,
): string | AuctionView {
  const parsed = () => JSON.parse(view.viewJson) as AuctionView;
  const isSeller = viewerId !== undefined && viewerId === view.sellerId;
  const isLeader = viewerId !== undefined && viewerId === view.leader;
  // A Dutch auction's price falls with time: its stored view was right when it was stored.
  const dutch = view.viewJson.includes('"format":"dutch"');
  let status = view.status;
  let startsAt = view.startsAt;
  if (status === undefined || startsAt === undefined) {
    if (!isSeller && !isLeader && !dutch && !view.viewJson.includes('"status":"scheduled"'))
      return view.viewJson;
    const p = parsed();
    status = p.status;
    startsAt = Date.parse(p.startsAt);
  }
  const stale = status === 'scheduled' && now >= startsAt;
  const falling = dutch && (status === 'open' || status === 'scheduled');
  if (!stale && !isSeller && !isLeader && !falling) return view.viewJson;
  let result = parsed();
  if (stale) result.status = 'open';
  if (falling) result = dutchViewAt(result, now);
  if (isSeller) result.reservePrice = view.reserve;
  if (isLeader) result.myMaxAmount = view.ceiling;
  return result;
}
