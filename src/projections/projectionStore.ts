import type { RecordedEvent } from '../events';

/** The checkpoint moved under us (another runner, or a Redis that lost its data): start over from it. */
export class CheckpointMovedError extends Error {
  readonly code = 'CHECKPOINT_MOVED';
}

/** Changes a batch made, for whoever pushes live updates. */
export interface AuctionChange {
  auctionId: string;
  events: RecordedEvent[];
}

/**
 * Where a projection keeps its read model and its checkpoint. `applyBatch` stores the batch's
 * effects and moves the checkpoint from `expected` to `next` atomically, or changes nothing.
 */
export interface ProjectionStore {
  name: string;
  readCheckpoint(): Promise<string | undefined>;
  applyBatch(events: RecordedEvent[], expected: string | undefined, next: string): Promise<AuctionChange[]>;
}
