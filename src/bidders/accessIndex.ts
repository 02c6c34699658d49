import type { BidderEligibility } from '../auction';
import type { RecordedEvent } from '../events';
import type { RegistrationEvent } from './bidderEvents';
import { saleIdOfRegistrations, type Registration } from './registrationDecider';

/** The events the index folds (a sale's creation says whether it requires approval). */
export const ACCESS_EVENT_TYPES = [
  'BidderBlocked',
  'BidderUnblocked',
  'UserSuspended',
  'UserReinstated',
  'AccountErased',
  'RegistrationRequested',
  'RegistrationApproved',
  'RegistrationDeclined',
  'SaleCreated',
] as const;

const USER_PREFIX = 'user-';
const NONE: ReadonlySet<string> = new Set();

/** A bidder's registration for a sale, as their own list shows it. */
export type OwnRegistration = Registration & { saleId: string };

/**
 * Who may bid, folded from the log: each instance's write side keeps one, in memory, and reads it
 * per bid (no read of another stream on the hot path). Folding is idempotent per event kind
 * (sets), so a replayed event changes nothing.
 */
export function createAccessIndex() {
  const suspended = new Set<string>();
  const blockedBy = new Map<string, Set<string>>();
  const approved = new Map<string, Set<string>>();
  const registrations = new Map<string, Map<string, OwnRegistration>>();
  const salesRequiringApproval = new Set<string>();
  const setOf = (map: Map<string, Set<string>>, key: string) => {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    return set;
  };

  const registration = (saleId: string, event: RegistrationEvent) => {
    const { userId } = event.data;
    const own = registrations.get(userId) ?? new Map<string, OwnRegistration>();
    registrations.set(userId, own);
    const before = own.get(saleId);
    if (event.type === 'RegistrationRequested') {
      const { requestedAt } = event.data;
      own.set(saleId, { saleId, userId, status: 'pending', requestedAt, decidedAt: null, reason: null });
      setOf(approved, userId).delete(saleId);
    } else if (before && event.type === 'RegistrationApproved') {
      own.set(saleId, { ...before, status: 'approved', decidedAt: event.data.approvedAt, reason: null });
      setOf(approved, userId).add(saleId);
    } else if (before && event.type === 'RegistrationDeclined') {
      const { declinedAt, reason } = event.data;
      own.set(saleId, { ...before, status: 'declined', decidedAt: declinedAt, reason });
      setOf(approved, userId).delete(saleId);
    }
  };

  return {
    apply(e: Pick<RecordedEvent, 'streamId' | 'type' | 'data'>) {
      const user = e.streamId.startsWith(USER_PREFIX) ? e.streamId.slice(USER_PREFIX.length) : undefined;
      const data = e.data as Record<string, unknown>;
      if (user && e.type === 'BidderBlocked') setOf(blockedBy, data.bidderId as string).add(user);
      else if (user && e.type === 'BidderUnblocked') blockedBy.get(data.bidderId as string)?.delete(user);
      // A deleted account acts no more: its tokens are refused as a suspension's are.
      else if (user && (e.type === 'UserSuspended' || e.type === 'AccountErased')) suspended.add(user);
      else if (user && e.type === 'UserReinstated') suspended.delete(user);
      else if (e.type === 'SaleCreated' && data.requiresApproval === true)
        salesRequiringApproval.add(data.saleId as string);
      else {
        const saleId = saleIdOfRegistrations(e.streamId);
        if (saleId && e.type.startsWith('Registration')) registration(saleId, e as RegistrationEvent);
      }
    },
    /** The bidder's eligibility now: live sets, read per bid without a copy. */
    eligibility(userId: string): BidderEligibility {
      return {
        suspended: suspended.has(userId),
        blockedBy: blockedBy.get(userId) ?? NONE,
        approvedSales: approved.get(userId) ?? NONE,
        salesRequiringApproval,
      };
    },
    isSuspended: (userId: string) => suspended.has(userId),
    /** A bidder's own registrations, newest request first. */
    registrationsOf: (userId: string): OwnRegistration[] =>
      [...(registrations.get(userId)?.values() ?? [])].sort((a, b) =>
        b.requestedAt.localeCompare(a.requestedAt),
      ),
  };
}

export type AccessIndex = ReturnType<typeof createAccessIndex>;
