import type { Decider, RecordedEvent } from '../events';
import { isRegistrationEventType, type RegistrationEvent } from './bidderEvents';
import { BidderRuleError } from './bidderRuleError';

/** Each sale's registrations are one stream, `registrations-<saleId>`. */
const REGISTRATIONS_PREFIX = 'registrations-';
export const registrationsStreamId = (saleId: string) => `${REGISTRATIONS_PREFIX}${saleId}`;
export const saleIdOfRegistrations = (streamId: string) =>
  streamId.startsWith(REGISTRATIONS_PREFIX) ? streamId.slice(REGISTRATIONS_PREFIX.length) : undefined;

export type RegistrationStatus = 'pending' | 'approved' | 'declined';

export interface Registration {
  userId: string;
  status: RegistrationStatus;
  requestedAt: string;
  /** When the seller last answered (null while pending). */
  decidedAt: string | null;
  /** The seller's reason for a decline. */
  reason: string | null;
}

/** A sale's registrations, by bidder, in the order they first asked. */
export type Registrations = ReadonlyMap<string, Registration>;

/** What the decider needs to know of the sale (read from its stream by the caller). */
export interface SaleTerms {
  sellerId: string;
  requiresApproval: boolean;
  /** A closed or cancelled sale takes no new registrations. */
  open: boolean;
}

export type RegistrationCommand =
  | { type: 'RequestRegistration'; data: { userId: string; sale: SaleTerms }; now: Date }
  | { type: 'ApproveRegistration'; data: { userId: string; by: string; sale: SaleTerms }; now: Date }
  | {
      type: 'DeclineRegistration';
      data: { userId: string; by: string; reason: string | null; sale: SaleTerms };
      now: Date;
    };

/**
 * Pure. Asking again while pending or approved records nothing (the answer is the registration);
 * a declined bidder may ask again. The seller approves or declines (either, after the other: they
 * may change their mind), a bidder who asked; answering the same again records nothing.
 */
function decide(command: RegistrationCommand, state: Registrations): RegistrationEvent[] {
  const at = command.now.toISOString();
  const { userId, sale } = command.data;
  const existing = state.get(userId);
  if (command.type === 'RequestRegistration') {
    if (!sale.requiresApproval)
      throw new BidderRuleError('APPROVAL_NOT_REQUIRED', 'This sale does not require approval: just bid');
    if (userId === sale.sellerId)
      throw new BidderRuleError('SELLER_CANNOT_REGISTER', 'The seller does not register for their own sale');
    if (!sale.open) throw new BidderRuleError('SALE_CLOSED', 'The sale is over');
    if (existing && existing.status !== 'declined') return [];
    return [{ type: 'RegistrationRequested', data: { userId, requestedAt: at } }];
  }
  if (command.data.by !== sale.sellerId)
    throw new BidderRuleError('NOT_SELLER', "Only the sale's seller answers its registrations");
  if (!existing) throw new BidderRuleError('REGISTRATION_NOT_FOUND', 'This bidder has not asked to register');
  if (command.type === 'ApproveRegistration')
    return existing.status === 'approved'
      ? []
      : [{ type: 'RegistrationApproved', data: { userId, sellerId: sale.sellerId, approvedAt: at } }];
  if (existing.status === 'declined') return [];
  const { reason } = command.data;
  return [
    { type: 'RegistrationDeclined', data: { userId, sellerId: sale.sellerId, reason, declinedAt: at } },
  ];
}

/** Pure: the registrations after one event. */
function evolve(state: Registrations, event: RegistrationEvent): Registrations {
  const next = new Map(state);
  const { userId } = event.data;
  const before = state.get(userId);
  switch (event.type) {
    case 'RegistrationRequested':
      next.set(userId, {
        userId,
        status: 'pending',
        requestedAt: event.data.requestedAt,
        decidedAt: null,
        reason: null,
      });
      break;
    case 'RegistrationApproved':
      if (before)
        next.set(userId, { ...before, status: 'approved', decidedAt: event.data.approvedAt, reason: null });
      break;
    case 'RegistrationDeclined':
      if (before)
        next.set(userId, {
          ...before,
          status: 'declined',
          decidedAt: event.data.declinedAt,
          reason: event.data.reason,
        });
      break;
  }
  return next;
}

export const registrationDecider: Decider<Registrations, RegistrationCommand, RegistrationEvent> = {
  decide,
  evolve,
  initialState: () => new Map(),
};

export const registrationStreamType = {
  decider: registrationDecider,
  eventOf: (recorded: Pick<RecordedEvent, 'type' | 'data'>): RegistrationEvent | undefined =>
    isRegistrationEventType(recorded.type)
      ? ({ type: recorded.type, data: recorded.data } as RegistrationEvent)
      : undefined,
};
