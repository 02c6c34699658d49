import type { Knex } from 'knex';
import type { Queue } from 'bullmq';
import { type EventStore, type RecordedEvent } from '../../events';
import { auctionStreamId, auctionIdOfEvent } from '../../auction';
import {
  CheckpointMovedError,
  moveCheckpoint,
  storedCheckpoint,
  type ProjectionStore,
} from '../../projections';

export const SCHEDULER_PROJECTION = 'scheduler';
export const CLOSE_JOB = 'close-auction';
export const ENDING_SOON_JOB = 'ending-soon';

export interface CloseJobData {
  auctionId: string;
  /** The end this job was planned for, in ms; a later end means the auction was extended. */
  endsAt: number;
}

/** One job per auction and end: a replayed event adds nothing twice. (BullMQ ids may not contain ':'.) */
export const closeJobId = (auctionId: string, endsAt: number) => `close-${auctionId}-${endsAt}`;
export const endingSoonJobId = (auctionId: string, endsAt: number) => `soon-${auctionId}-${endsAt}`;

/** The events that set an auction's end (a cancellation recomputes it, perhaps earlier). */
const MOVES_END = new Set(['AuctionCreated', 'AuctionExtended', 'BidCancelled']);

/** Its last end, from its stream (an auction this process has not seen an end of). */
async function lastEnd(eventStore: EventStore, auctionId: string): Promise<number | undefined> {
  const events = await eventStore.readStream(auctionStreamId(auctionId));
  return events
    .filter((e) => MOVES_END.has(e.type))
    .map((e) => Date.parse((e.data as { endsAt: string }).endsAt))
    .at(-1);
}

/** What a batch asks of the queue, per auction: its end now (its jobs), or that it is over. */
type Plans = Map<string, { endsAt?: number; over: boolean }>;

function plansOf(events: RecordedEvent[]): Plans {
  const plans: Plans = new Map();
  for (const e of events) {
    const auctionId = auctionIdOfEvent(e);
    if (!auctionId) continue;
    const plan = plans.get(auctionId) ?? { over: false };
    if (MOVES_END.has(e.type)) plan.endsAt = Date.parse((e.data as { endsAt: string }).endsAt);
    else if (e.type === 'AuctionCancelled' || e.type === 'AuctionClosed') plan.over = true;
    else continue;
    plans.set(auctionId, plan);
  }
  return plans;
}

const jobOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 200 },
  removeOnComplete: 1000,
  removeOnFail: 5000,
};

/** How many auctions' queue writes go at once. */
const AT_ONCE = 16;
/** The auctions whose last planned end this reactor remembers. */
const MAX_REMEMBERED = 100_000;

/**
 * A reactor on the global log, checkpointed like a projection: an auction's end (AuctionCreated,
 * AuctionExtended) puts a delayed close job there, and an ending-soon job `endingSoonSeconds`
 * before it; its cancel or close removes the jobs of its last end. Per batch, only an auction's
 * last end is planned: a lot in a bidding war is extended by every late bid, and the jobs of the
 * ends it passed are no-ops when they run (the close worker finds it not ended, or over). Queue
 * writes are idempotent (deterministic job ids); the checkpoint moves by compare-and-set after
 * them, so a crash in between replays the batch.
 */
export function closingReactor(
  knex: Knex,
  queue: Queue<CloseJobData>,
  eventStore: EventStore,
  endingSoonSeconds: number,
): ProjectionStore {
  const name = SCHEDULER_PROJECTION;
  const checkpoint = storedCheckpoint(knex, name);
  const lastPlanned = new Map<string, number>();
  const remember = (auctionId: string, endsAt: number) => {
    lastPlanned.delete(auctionId);
    if (lastPlanned.size >= MAX_REMEMBERED) lastPlanned.delete(lastPlanned.keys().next().value!);
    lastPlanned.set(auctionId, endsAt);
  };
  const planEnd = async (auctionId: string, endsAt: number) => {
    await queue.add(
      CLOSE_JOB,
      { auctionId, endsAt },
      { ...jobOptions, jobId: closeJobId(auctionId, endsAt), delay: Math.max(0, endsAt - Date.now()) },
    );
    if (endsAt > Date.now())
      await queue.add(
        ENDING_SOON_JOB,
        { auctionId, endsAt },
        {
          ...jobOptions,
          jobId: endingSoonJobId(auctionId, endsAt),
          delay: Math.max(0, endsAt - endingSoonSeconds * 1000 - Date.now()),
        },
      );
    remember(auctionId, endsAt);
  };
  /** Over: the jobs of its last end go (those of earlier ends ran at them). A running job stays; it is a no-op. */
  const unplan = async (auctionId: string, endsAt: number | undefined) => {
    const last = endsAt ?? lastPlanned.get(auctionId) ?? (await lastEnd(eventStore, auctionId));
    lastPlanned.delete(auctionId);
    if (last === undefined) return;
    await queue.remove(closeJobId(auctionId, last)).catch(() => 0);
    await queue.remove(endingSoonJobId(auctionId, last)).catch(() => 0);
  };
  const plan = ([auctionId, { endsAt, over }]: [string, { endsAt?: number; over: boolean }]) =>
    over ? unplan(auctionId, endsAt) : planEnd(auctionId, endsAt!);
  return {
    name,
    readCheckpoint: checkpoint.read,
    async applyBatch(events, expected, next) {
      const plans = [...plansOf(events)];
      for (let i = 0; i < plans.length; i += AT_ONCE)
        await Promise.all(plans.slice(i, i + AT_ONCE).map(plan));
      await checkpoint.ensure();
      const { rows } = await moveCheckpoint(knex, { name, expected: expected ?? '', next });
      if (rows.length !== 1) throw new CheckpointMovedError(`${name} checkpoint moved`);
      return [];
    },
  };
}
