import type { Knex } from 'knex';
import type { Queue } from 'bullmq';
import { type EventStore, type RecordedEvent } from '../events';
import { auctionStreamId } from '../auction';
import {
  auctionIdOfEvent,
  CheckpointMovedError,
  readStoredCheckpoint,
  type ProjectionStore,
} from '../projections';

export const SCHEDULER_PROJECTION = 'scheduler';
export const CLOSE_JOB = 'close-auction';

export interface CloseJobData {
  auctionId: string;
  /** The end this job was planned for, in ms; a later end means the auction was extended. */
  endsAt: number;
}

/** One job per auction and end: a replayed event adds nothing twice. (BullMQ ids may not contain ':'.) */
export const closeJobId = (auctionId: string, endsAt: number) => `close-${auctionId}-${endsAt}`;

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
 * AuctionExtended put a delayed close job at the auction's end; AuctionCancelled and
 * AuctionClosed remove what is pending. Queue writes are idempotent (deterministic job ids);
 * the checkpoint moves by compare-and-set after them, so a crash in between replays the batch.
 */
export function closingReactor(
  knex: Knex,
  queue: Queue<CloseJobData>,
  eventStore: EventStore,
): ProjectionStore {
  const name = SCHEDULER_PROJECTION;
  const plan = async (e: RecordedEvent, auctionId: string) => {
    if (e.type === 'AuctionCreated' || e.type === 'AuctionExtended') {
      const endsAt = Date.parse((e.data as { endsAt: string }).endsAt);
      await queue.add(
        CLOSE_JOB,
        { auctionId, endsAt },
        {
          jobId: closeJobId(auctionId, endsAt),
          delay: Math.max(0, endsAt - Date.now()),
          attempts: 10,
          backoff: { type: 'exponential', delay: 200 },
          removeOnComplete: 1000,
          removeOnFail: 5000,
        },
      );
    } else if (e.type === 'AuctionCancelled' || e.type === 'AuctionClosed') {
      for (const endsAt of await plannedEnds(eventStore, auctionId)) {
        await queue.remove(closeJobId(auctionId, endsAt)).catch(() => 0); // a running job stays; it is a no-op
      }
    }
  };
  return {
    name,
    readCheckpoint: () => readStoredCheckpoint(knex, name),
    async applyBatch(events, expected, next) {
      for (const e of events) {
        const auctionId = auctionIdOfEvent(e);
        if (auctionId) await plan(e, auctionId);
      }
      await knex('projection_checkpoints').insert({ name, position: '' }).onConflict('name').ignore();
      const moved = await knex('projection_checkpoints')
        .where({ name, position: expected ?? '' })
        .update({ position: next, updated_at: knex.fn.now() });
      if (moved !== 1) throw new CheckpointMovedError(`${name} checkpoint moved`);
      return [];
    },
  };
}
