import type { RecordedEvent } from '../events';
import type { AuctionView } from '../auction';

/** The checkpoint moved under us (another runner, or a Redis that lost its data): start over from it. */
export class CheckpointMovedError extends Error {
  readonly code = 'CHECKPOINT_MOVED';
}

/** Another owner holds the projection's lease now: this runner stands by. */
export class LeaseLostError extends Error {
  readonly code = 'LEASE_LOST';
  constructor(projection: string) {
    super(`${projection}: lease lost`);
    this.name = 'LeaseLostError';
  }
}

/** Changes a batch made, for whoever pushes live updates. */
export interface AuctionChange {
  auctionId: string;
  events: RecordedEvent[];
  /** The view after the batch, reserve included (strip it with viewFor before showing it). */
  view?: AuctionView;
  /** `view` as the public sees it (viewFor, no viewer), as JSON: made once, where the store made it. */
  viewJson?: string;
  /**
   * Each event, with the view right after it (reserve included) where a live update shows it:
   * after a public event other than the last (the last one's view is `view`).
   */
  steps?: Array<{ event: RecordedEvent; view?: AuctionView }>;
}

/**
 * Where a projection keeps its read model and its checkpoint. `applyBatch` stores the batch's
 * effects and moves the checkpoint from `expected` to `next` atomically, or changes nothing.
 */
export interface ProjectionStore {
  name: string;
  readCheckpoint(): Promise<string | undefined>;
  applyBatch(events: RecordedEvent[], expected: string | undefined, next: string): Promise<AuctionChange[]>;
  /**
   * A store that writes its checkpoint lazily (not with every batch): the position it last wrote.
   * The runner's heartbeat compares the stored checkpoint with this, not with the last batch.
   */
  writtenCheckpoint?(): string | undefined;
}
