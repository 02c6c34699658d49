import type { Logger } from 'pino';
import { AuctionRuleError, type BidderEligibility } from '../../auction';
import {
  ACCESS_EVENT_TYPES,
  accountStreamType,
  type AccessIndex,
  type AccountStanding,
  createAccessIndex,
  registrationsStreamId,
  registrationStreamType,
} from '../../bidders';
import type { EventStore, RecordedEvent } from '../../events';
import { foldStream } from '../streamCommands';

const ELIGIBILITY_CODES = new Set(['ACCOUNT_SUSPENDED', 'BIDDER_BLOCKED', 'BIDDER_NOT_APPROVED']);

/**
 * A refusal for eligibility decided again from the streams themselves: the eligibility to decide
 * with when the index was behind them, or undefined when the refusal stands.
 */
async function confirmRefusal(
  eventStore: EventStore,
  held: BidderEligibility,
  account: (userId: string) => Promise<AccountStanding>,
  userId: string,
  refusal: AuctionRuleError,
): Promise<BidderEligibility | undefined> {
  const { sellerId, saleId } = refusal.details as { sellerId?: string; saleId?: string };
  if (refusal.code === 'ACCOUNT_SUSPENDED')
    return (await account(userId)).suspended ? undefined : { ...held, suspended: false };
  if (refusal.code === 'BIDDER_BLOCKED' && sellerId) {
    if ((await account(sellerId)).blocked.has(userId)) return undefined;
    return { ...held, blockedBy: new Set([...held.blockedBy].filter((s) => s !== sellerId)) };
  }
  if (refusal.code === 'BIDDER_NOT_APPROVED' && saleId) {
    const registrations = await foldStream(eventStore, registrationStreamType, registrationsStreamId(saleId));
    if (registrations.get(userId)?.status !== 'approved') return undefined;
    return { ...held, approvedSales: new Set([...held.approvedSales, saleId]) };
  }
  return undefined;
}

/**
 * Folds a batch into the index. An event it cannot read (the write side never records one) is
 * said, not fatal: a stopped index would hold every bid.
 */
function applyAll(index: AccessIndex, events: RecordedEvent[], logger: Logger) {
  for (const e of events)
    try {
      index.apply(e);
    } catch (error) {
      logger.error({ err: error, position: e.position, type: e.type }, 'bidder access index: event skipped');
    }
}

/**
 * The write side's knowledge of who may bid, on each instance: the access index, folded from a
 * subscription to the few event types that change it (filtered where the log is kept), so a bid
 * reads it in memory and never another stream. It follows the log within milliseconds; a refusal
 * is never taken on its word alone: `confirm` decides it again from the streams themselves (the
 * bidder's, the seller's, the sale's registrations), so an approval or a reinstatement counts on
 * every instance at once, and a block or a suspension as soon as the index has it.
 */
export function startBidderAccess(eventStore: EventStore, logger: Logger) {
  const index = createAccessIndex();
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let position: string | undefined;
  const subscription = eventStore.subscribeToAll({
    eventTypes: ACCESS_EVENT_TYPES,
    batchSize: 5000,
    onProgress: (reached) => (position = reached),
    onEvents: async (events) => applyAll(index, events, logger),
    onCaughtUp: () => markReady(),
    onError: (error) => logger.error({ err: error }, 'bidder access index stopped'),
  });
  const account = (userId: string) => foldStream(eventStore, accountStreamType, `user-${userId}`);

  const confirm = (userId: string, refusal: AuctionRuleError) =>
    confirmRefusal(eventStore, index.eligibility(userId), account, userId, refusal);

  return {
    index,
    /** Resolves once the index has folded the log as it stood at start. */
    ready,
    eligibility: (userId: string) => index.eligibility(userId),
    /**
     * Runs a command with the bidder's eligibility; refused for eligibility, it is decided again
     * from the streams, and run once more if the index was behind them.
     */
    async withEligibility<T>(
      userId: string,
      run: (eligibility: BidderEligibility) => Promise<T>,
    ): Promise<T> {
      await ready;
      try {
        return await run(index.eligibility(userId));
      } catch (error) {
        if (!(error instanceof AuctionRuleError) || !ELIGIBILITY_CODES.has(error.code)) throw error;
        const fresh = await confirm(userId, error);
        if (!fresh) throw error;
        return run(fresh);
      }
    },
    /** Resolves true once the index has read the log up to `min` (false after `timeoutMs`). */
    async reached(min: string, timeoutMs = 5000): Promise<boolean> {
      const deadline = Date.now() + timeoutMs;
      while (!(position !== undefined && position >= min)) {
        if (Date.now() >= deadline) return false;
        await new Promise((r) => setTimeout(r, 10));
      }
      return true;
    },
    position: () => position,
    /** Whether the user is suspended, a yes confirmed from their stream. */
    async isSuspended(userId: string): Promise<boolean> {
      await ready;
      if (!index.isSuspended(userId)) return false;
      const standing = await account(userId);
      return standing.suspended || standing.erased;
    },
    account,
    stop: () => subscription.stop(),
  };
}

export type BidderAccess = ReturnType<typeof startBidderAccess>;
