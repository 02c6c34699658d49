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

/** The ends an auction has had, from its stream: the ids of every close job planned for it. */
async function plannedEnds(eventStore: EventStore, auctionId: string): Promise<number[]> {
  const events = await eventStore.readStream(auctionStreamId(auctionId));
  return events.flatMap((e) =>
    e.type === 'AuctionCreated' || e.type === 'AuctionExtended'
      ? [Date.parse((e.data as { endsAt: string }).endsAt)]
      : [],
  );
}

/**
 * A reactor on the global log, checkpointed like a projection: AuctionCreated and
 * AuctionExtended put a delayed close job at the auction's end, and an ending-soon job
 * `endingSoonSeconds` before it; AuctionCancelled and AuctionClosed remove what is pending. Queue writes are idempotent (deterministic job ids);
 * the checkpoint moves by compare-and-set after them, so a crash in between replays the batch.
 */
export function closingReactor(
  knex: Knex,
  queue: Queue<CloseJobData>,
  eventStore: EventStore,
  endingSoonSeconds: number,
): ProjectionStore {
  const name = SCHEDULER_PROJECTION;
  const checkpoint = storedCheckpoint(knex, name);
  const jobOptions = {
    attempts: 10,
    backoff: { type: 'exponential', delay: 200 },
    removeOnComplete: 1000,
    removeOnFail: 5000,
  };
  const plan = async (e: RecordedEvent, auctionId: string) => {
    if (e.type === 'AuctionCreated' || e.type === 'AuctionExtended') {
      const endsAt = Date.parse((e.data as { endsAt: string }).endsAt);
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
    } else if (e.type === 'AuctionCancelled' || e.type === 'AuctionClosed') {
      for (const endsAt of await plannedEnds(eventStore, auctionId)) {
        // A running job stays; it is a no-op.
        await queue.remove(closeJobId(auctionId, endsAt)).catch(() => 0);
        await queue.remove(endingSoonJobId(auctionId, endsAt)).catch(() => 0);
      }
    }
  };
  return {
    name,
    readCheckpoint: checkpoint.read,
    async applyBatch(events, expected, next) {
      for (const e of events) {
        const auctionId = auctionIdOfEvent(e);
        if (auctionId) await plan(e, auctionId);
      }
      await checkpoint.ensure();
      const { rows } = await moveCheckpoint(knex, { name, expected: expected ?? '', next });
      if (rows.length !== 1) throw new CheckpointMovedError(`${name} checkpoint moved`);
      return [];
    },
  };
}
