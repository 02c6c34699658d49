import type Redis from 'ioredis';
import { fromStoredState, isPrivateEvent } from '../../auction';
import type { RecordedEvent } from '../../events';
import { redisScript } from '../../platform';
import { affectedAuctionIds, foldAuctions, storedStateJson } from '../../auction';
import { toAuctionView, viewFor, type Auction, type AuctionView, type StoredAuction } from '../../auction';
import { CheckpointMovedError, type AuctionChange, type ProjectionStore } from '../projectionStore';
import { getStateCache } from '../stateCache';

export const REDIS_PROJECTION = 'redis-read-model';

/**
 * The shape of what this model stores. A new shape (2: views with photos) keeps its keys apart
 * from the old one's: on upgrade the model starts empty and is rebuilt from the log, as after a
 * Redis that lost its data, while the old keys stay untouched for a rollback (delete `rm:*` once
 * the upgrade stands).
 */
export const REDIS_MODEL_VERSION = 2;

/**
 * Keys, under an optional prefix, the model's version and a generation (a rebuild fills the next
 * generation, then switches `rm2:generation`):
 *   rm2:<g>:checkpoint:<name>  the projection's position: in Redis itself, so a Redis that lost
 *                              its data has lost the checkpoint too and simply rebuilds
 *   rm2:<g>:auction:<id>       hash: state, revision, view (public JSON), status, startsAt, sellerId, reserve
 *   rm2:<g>:ending             sorted set of active auctions by end time
 */
export const redisKeys = (prefix: string, generation: string) => {
  const ns = `${prefix}rm${REDIS_MODEL_VERSION}`;
  return {
    generation: `${ns}:generation`,
    checkpoint: (name: string) => `${ns}:${generation}:checkpoint:${name}`,
    auction: (id: string) => `${ns}:${generation}:auction:${id}`,
    ending: `${ns}:${generation}:ending`,
    /** Every key of this generation, for SCAN MATCH. */
    all: `${ns}:${generation}:*`,
  };
};

// Compare-and-set of the checkpoint with the batch's writes, atomically; refused as well when a
// rebuild switched the generation (the runner then restarts on the new one).
// KEYS: checkpoint, generation, ending, then each changed auction's hash.
// ARGV: expected checkpoint, next checkpoint, generation ('' not to check it), then for each
// auction AUCTION_FIELDS values: its id, the hash's fields in HASH_FIELDS order, and its end ('' once
// it is no longer active: it leaves the ending set).
const HASH_FIELDS = [
  'state',
  'revision',
  'view',
  'status',
  'startsAt',
  'sellerId',
  'reserve',
  'leader',
  'ceiling',
] as const;
const AUCTION_FIELDS = HASH_FIELDS.length + 2;
const MAX_SCRIPT_EVENTS = 1000;
const applyBatchScript = redisScript(`
if ARGV[3] ~= '' and (redis.call('GET', KEYS[2]) or '0') ~= ARGV[3] then return 0 end
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
local fields = {${HASH_FIELDS.map((f) => `'${f}'`).join(', ')}}
for i = 4, #KEYS do
  local at = 4 + (i - 4) * ${AUCTION_FIELDS}
  local hash = {}
  for f = 1, #fields do
    hash[2 * f - 1] = fields[f]
    hash[2 * f] = ARGV[at + f]
  end
  redis.call('HSET', KEYS[i], unpack(hash))
  local endsAt = ARGV[at + ${AUCTION_FIELDS - 1}]
  if endsAt ~= '' then redis.call('ZADD', KEYS[3], endsAt, ARGV[at])
  else redis.call('ZREM', KEYS[3], ARGV[at]) end
end
redis.call('SET', KEYS[1], ARGV[2])
return 1`);

export async function currentGeneration(redis: Redis, prefix: string): Promise<string> {
  return (await redis.get(redisKeys(prefix, '0').generation)) ?? '0';
}

interface Model {
  redis: Redis;
  name: string;
  keys: ReturnType<typeof redisKeys>;
  cache: ReturnType<typeof getStateCache<StoredAuction>>;
  /** The generation the script checks; '' while a rebuild fills one that is not current yet. */
  generationCheck: string;
}
type Held = ReturnType<Model['cache']['lookup']>['found'];
type Steps = ReturnType<typeof foldAuctions>['changed'] extends Map<string, infer S> ? S : never;

/** The states this run does not hold, read back from their hashes. */
async function readHeld({ redis, keys }: Model, missing: string[], current: Held) {
  const pipeline = redis.pipeline();
  for (const id of missing) pipeline.hmget(keys.auction(id), 'state', 'revision');
  const results = (await pipeline.exec()) ?? [];
  results.forEach(([error, value], i) => {
    if (error) throw error;
    const [state, revision] = value as [string | null, string | null];
    if (state && revision)
      current.set(missing[i]!, { state: fromStoredState(JSON.parse(state)), revision: Number(revision) });
  });
}

/** The auction's hash fields, in HASH_FIELDS order. */
function hashFields(state: Auction, revision: number, view: AuctionView, viewJson: string) {
  const hash: Record<(typeof HASH_FIELDS)[number], string> = {
    state: storedStateJson(state),
    revision: String(revision),
    view: viewJson,
    status: view.status,
    startsAt: String(state.startsAt),
    sellerId: state.sellerId,
    reserve: state.reservePrice === null ? '' : String(state.reservePrice),
    leader: state.leader?.bidderId ?? '',
    ceiling: state.leader ? String(state.leader.ceiling) : '',
  };
  return HASH_FIELDS.map((field) => hash[field]);
}

/**
 * What the live side is told of an auction's events: each event, and the view after each public
 * one for live updates that show every step; the last event's is `view` itself, and a private
 * event shows nobody anything.
 */
const changeOf = (
  auctionId: string,
  steps: Steps,
  view: AuctionView,
  viewJson: string,
  now: number,
): AuctionChange => ({
  auctionId,
  events: steps.map((step) => step.event),
  view,
  viewJson,
  steps: steps.map(({ event, state: after }, i) =>
    i === steps.length - 1 || isPrivateEvent(event.type)
      ? { event }
      : { event, view: toAuctionView(after, Number(event.revision), now) },
  ),
});

/** Folds the events onto the states held, and writes them with the checkpoint move in one script call. */
async function applySlice(
  model: Model,
  events: RecordedEvent[],
  expected: string | undefined,
  next: string,
): Promise<AuctionChange[]> {
  const { keys, cache } = model;
  const { found: current, missing } = cache.lookup(affectedAuctionIds(events));
  if (missing.length > 0) await readHeld(model, missing, current);
  const { auctions, changed } = foldAuctions(current, events);
  const now = Date.now();
  const keysOf = [keys.checkpoint(model.name), keys.generation, keys.ending];
  const args = [expected ?? '', next, model.generationCheck];
  const changes: AuctionChange[] = [];
  for (const [auctionId, steps] of changed) {
    const { state, revision } = auctions.get(auctionId)!;
    const fullView = toAuctionView(state, revision, now);
    const view = viewFor(fullView, undefined);
    const viewJson = JSON.stringify(view);
    keysOf.push(keys.auction(auctionId));
    args.push(
      auctionId,
      ...hashFields(state, revision, view, viewJson),
      state.status === 'active' ? String(state.endsAt) : '',
    );
    changes.push(changeOf(auctionId, steps, fullView, viewJson, now));
  }
  const ok = await applyBatchScript(model.redis, keysOf, args);
  if (ok !== 1) throw new CheckpointMovedError(`${model.name} checkpoint moved`);
  cache.remember(new Map([...changed.keys()].map((id) => [id, auctions.get(id)!])));
  return changes;
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
  const model: Model = {
    redis,
    name,
    keys: redisKeys(options.prefix, options.generation),
    cache: getStateCache(),
    generationCheck: options.checkGeneration === false ? '' : options.generation,
  };
  return {
    name,
    async readCheckpoint() {
      return (await redis.get(model.keys.checkpoint(name))) ?? undefined;
    },
    async applyBatch(events, expected, next) {
      // A rebuild's pages are larger than a live batch: each script call carries at most
      // MAX_SCRIPT_EVENTS events (a dozen arguments per auction), moving the checkpoint with them.
      if (events.length <= MAX_SCRIPT_EVENTS) return applySlice(model, events, expected, next);
      const changes: AuctionChange[] = [];
      let from = expected;
      for (let i = 0; i < events.length; i += MAX_SCRIPT_EVENTS) {
        const slice = events.slice(i, i + MAX_SCRIPT_EVENTS);
        const to = i + MAX_SCRIPT_EVENTS >= events.length ? next : slice.at(-1)!.position;
        changes.push(...(await applySlice(model, slice, from, to)));
        from = to;
      }
      return changes;
    },
  };
}
