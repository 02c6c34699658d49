import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { AuctionRuleError } from '../../auction';
import type { UserSuspended } from '../../bidders';
import type { CancelBids } from '../../commands';
import type { EventStore, RecordedEvent } from '../../events';
import {
  CheckpointMovedError,
  lazyCheckpoint,
  moveCheckpoint,
  POSTGRES_PROJECTION,
  readStoredCheckpoint,
  type ProjectionStore,
} from '../../projections';

export const SUSPENSION_PROCESS = 'suspension-process';

/** How long a suspension takes to reach every instance (api.md: within 1 s), with a margin. */
const PROPAGATION_MS = 1_500;
const READ_MODEL_WAIT_MS = 60_000;

interface Deps {
  knex: Knex;
  eventStore: EventStore;
  cancelBids: CancelBids;
  /** The open auctions a user has bids on, as the PostgreSQL read model has them. */
  openAuctionsOf(userId: string): Promise<string[]>;
  logger: Logger;
  /** For tests: how long a suspension takes to reach every instance. */
  propagationMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once the PostgreSQL read model has applied the log up to `position`. */
async function readModelAt(knex: Knex, position: string | undefined) {
  const deadline = Date.now() + READ_MODEL_WAIT_MS;
  while (position && ((await readStoredCheckpoint(knex, POSTGRES_PROJECTION)) ?? '') < position) {
    if (Date.now() > deadline) throw new Error('the read model is behind: the suspension waits for it');
    await sleep(50);
  }
}

/**
 * A suspension's process manager: the suspended user's bids on open auctions are cancelled (as a
 * seller's cancellation is, BidCancelled by the platform, with the admin's reason). Once the
 * suspension has reached every instance (no bid of theirs can be accepted after it), and the read
 * model has every bid up to then, it finds the open auctions they bid on and cancels their bids
 * on each. Exactly once across restarts and instances: a cancellation on an auction where nothing
 * of theirs is left records nothing, and the checkpoint moves only after the batch.
 */
export function suspensionProcess(deps: Deps): ProjectionStore {
  const { knex, eventStore, logger } = deps;
  const checkpoint = lazyCheckpoint(knex, SUSPENSION_PROCESS);

  const suspended = async (e: RecordedEvent) => {
    const userId = e.streamId.slice('user-'.length);
    const { adminId, reason, suspendedAt } = e.data as UserSuspended;
    await sleep(Date.parse(suspendedAt) + (deps.propagationMs ?? PROPAGATION_MS) - Date.now());
    await readModelAt(knex, await eventStore.headPosition());
    const open = await deps.openAuctionsOf(userId);
    for (const auctionId of open) {
      try {
        const reply = await deps.cancelBids(auctionId, {
          target: { bidderId: userId },
          kind: 'cancelled',
          by: { userId: adminId, role: 'system' },
          reason: `Account suspended: ${reason}`,
        });
        if (reply.cancelledBidIds.length)
          logger.info({ userId, auctionId }, 'suspended bidder: bids cancelled');
      } catch (error) {
        // Ended (or gone) since: nothing of theirs stands on an open auction there.
        if (!(error instanceof AuctionRuleError)) throw error;
      }
    }
    return open.length > 0;
  };

  return {
    name: SUSPENSION_PROCESS,
    readCheckpoint: checkpoint.read,
    writtenCheckpoint: checkpoint.written,
    async applyBatch(events, _expected, next) {
      let acted = false;
      for (const e of events)
        if (e.type === 'UserSuspended' && e.streamId.startsWith('user-'))
          acted = (await suspended(e)) || acted;
      if (!checkpoint.due(acted)) return [];
      const { rows } = await moveCheckpoint(knex, {
        name: SUSPENSION_PROCESS,
        expected: await checkpoint.expected(),
        next,
      });
      if (rows.length !== 1) throw new CheckpointMovedError(`${SUSPENSION_PROCESS} checkpoint moved`);
      checkpoint.moved(next);
      return [];
    },
  };
}
