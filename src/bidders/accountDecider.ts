import type { Decider, RecordedEvent } from '../events';
import { type AccountEvent, isAccountEventType } from './bidderEvents';
import { BidderRuleError } from './bidderRuleError';

/** What a user's stream says of who may bid: the bidders they block, and whether they are suspended. */
export interface AccountStanding {
  blocked: ReadonlySet<string>;
  suspended: boolean;
  /** The invoices that earned a strike (one each). */
  strikes: ReadonlySet<string>;
  erased: boolean;
}

/** The id a suspension by the platform itself (strikes) records as its admin. */
export const PLATFORM_ADMIN_ID = '00000000-0000-5000-8000-000000000000';

export type AccountCommand =
  | { type: 'BlockBidder' | 'UnblockBidder'; data: { sellerId: string; bidderId: string }; now: Date }
  | { type: 'SuspendUser'; data: { adminId: string; reason: string }; now: Date }
  | { type: 'ReinstateUser'; data: { adminId: string; reason: string | null }; now: Date }
  | { type: 'RecordStrike'; data: { invoiceId: string; maxStrikes: number }; now: Date }
  | { type: 'EraseAccount'; now: Date };

/**
 * Pure. Blocking a bidder blocked already, or unblocking one who is not, records nothing (PUT and
 * DELETE are idempotent by state); so does suspending a suspended user, or reinstating one who is
 * not suspended: the answer is the state either way.
 */
function decide(command: AccountCommand, state: AccountStanding): AccountEvent[] {
  const at = command.now.toISOString();
  switch (command.type) {
    case 'BlockBidder': {
      const { sellerId, bidderId } = command.data;
      if (bidderId === sellerId) throw new BidderRuleError('CANNOT_BLOCK_SELF', 'You cannot block yourself');
      return state.blocked.has(bidderId)
        ? []
        : [{ type: 'BidderBlocked', data: { bidderId, blockedAt: at } }];
    }
    case 'UnblockBidder': {
      const { bidderId } = command.data;
      return state.blocked.has(bidderId)
        ? [{ type: 'BidderUnblocked', data: { bidderId, unblockedAt: at } }]
        : [];
    }
    case 'SuspendUser': {
      const { adminId, reason } = command.data;
      return state.suspended ? [] : [{ type: 'UserSuspended', data: { adminId, reason, suspendedAt: at } }];
    }
    case 'ReinstateUser': {
      const { adminId, reason } = command.data;
      if (state.erased) throw new BidderRuleError('ACCOUNT_ERASED', 'This account was deleted');
      return state.suspended ? [{ type: 'UserReinstated', data: { adminId, reason, reinstatedAt: at } }] : [];
    }
    case 'RecordStrike':
      return recordStrike(state, command.data, at);
    case 'EraseAccount':
      return state.erased ? [] : [{ type: 'AccountErased', data: { erasedAt: at } }];
  }
}

/**
 * One strike per overdue invoice (a second for the same one records nothing); the strike that
 * reaches `maxStrikes` suspends the account, by the platform, in the same append.
 */
function recordStrike(
  state: AccountStanding,
  { invoiceId, maxStrikes }: { invoiceId: string; maxStrikes: number },
  at: string,
): AccountEvent[] {
  if (state.strikes.has(invoiceId)) return [];
  const strikes = state.strikes.size + 1;
  const events: AccountEvent[] = [{ type: 'StrikeRecorded', data: { invoiceId, strikes, recordedAt: at } }];
  if (strikes >= maxStrikes && !state.suspended && !state.erased)
    events.push({
      type: 'UserSuspended',
      data: {
        adminId: PLATFORM_ADMIN_ID,
        reason: `${strikes} invoices left unpaid past their deadline`,
        suspendedAt: at,
      },
    });
  return events;
}

/** Pure: the standing after one event. */
function evolve(state: AccountStanding, event: AccountEvent): AccountStanding {
  switch (event.type) {
    case 'BidderBlocked':
    case 'BidderUnblocked': {
      const blocked = new Set(state.blocked);
      if (event.type === 'BidderBlocked') blocked.add(event.data.bidderId);
      else blocked.delete(event.data.bidderId);
      return { ...state, blocked };
    }
    case 'UserSuspended':
      return { ...state, suspended: true };
    case 'UserReinstated':
      return { ...state, suspended: false };
    case 'StrikeRecorded':
      return { ...state, strikes: new Set([...state.strikes, event.data.invoiceId]) };
    case 'AccountErased':
      return { ...state, erased: true };
  }
}

export const accountDecider: Decider<AccountStanding, AccountCommand, AccountEvent> = {
  decide,
  evolve,
  initialState: () => ({
    blocked: new Set<string>(),
    suspended: false,
    strikes: new Set<string>(),
    erased: false,
  }),
};

/** The user stream as this decider reads it (the stream's watch events are another decider's). */
export const accountStreamType = {
  decider: accountDecider,
  eventOf: (recorded: Pick<RecordedEvent, 'type' | 'data'>): AccountEvent | undefined =>
    isAccountEventType(recorded.type)
      ? ({ type: recorded.type, data: recorded.data } as AccountEvent)
      : undefined,
};
