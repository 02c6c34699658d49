import type { SchemaObject } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';

const uuid = { type: 'string', format: 'uuid' } as const;
const time = { type: 'string', format: 'date-time' } as const;
const reason = { type: ['string', 'null'], maxLength: 500 } as const;

/**
 * Who may bid, as the log records it. In a user's stream (`user-<userId>`): the bidders a seller
 * blocked, and the user's suspensions and reinstatements by an admin. In a sale's registrations
 * stream (`registrations-<saleId>`): each bidder's request and the seller's answer. Schema and
 * type, one source.
 */
const bidderBlocked = {
  type: 'object',
  properties: { bidderId: uuid, blockedAt: time },
  required: ['bidderId', 'blockedAt'],
  additionalProperties: false,
} as const;
export type BidderBlocked = FromSchema<typeof bidderBlocked>;

const bidderUnblocked = {
  type: 'object',
  properties: { bidderId: uuid, unblockedAt: time },
  required: ['bidderId', 'unblockedAt'],
  additionalProperties: false,
} as const;
export type BidderUnblocked = FromSchema<typeof bidderUnblocked>;

const userSuspended = {
  type: 'object',
  properties: { adminId: uuid, reason: { type: 'string', maxLength: 500 }, suspendedAt: time },
  required: ['adminId', 'reason', 'suspendedAt'],
  additionalProperties: false,
} as const;
export type UserSuspended = FromSchema<typeof userSuspended>;

const userReinstated = {
  type: 'object',
  properties: { adminId: uuid, reason, reinstatedAt: time },
  required: ['adminId', 'reason', 'reinstatedAt'],
  additionalProperties: false,
} as const;
export type UserReinstated = FromSchema<typeof userReinstated>;

/** An invoice left unpaid past its deadline: one strike per invoice. */
const strikeRecorded = {
  type: 'object',
  properties: { invoiceId: uuid, strikes: { type: 'integer', minimum: 1 }, recordedAt: time },
  required: ['invoiceId', 'strikes', 'recordedAt'],
  additionalProperties: false,
} as const;
export type StrikeRecorded = FromSchema<typeof strikeRecorded>;

/** The user deleted their account: their personal data and its key are gone; the id stays. */
const accountErased = {
  type: 'object',
  properties: { erasedAt: time },
  required: ['erasedAt'],
  additionalProperties: false,
} as const;
export type AccountErased = FromSchema<typeof accountErased>;

export type AccountEvent =
  | { type: 'BidderBlocked'; data: BidderBlocked }
  | { type: 'BidderUnblocked'; data: BidderUnblocked }
  | { type: 'UserSuspended'; data: UserSuspended }
  | { type: 'UserReinstated'; data: UserReinstated }
  | { type: 'StrikeRecorded'; data: StrikeRecorded }
  | { type: 'AccountErased'; data: AccountErased };

const registrationRequested = {
  type: 'object',
  properties: { userId: uuid, requestedAt: time },
  required: ['userId', 'requestedAt'],
  additionalProperties: false,
} as const;
export type RegistrationRequested = FromSchema<typeof registrationRequested>;

const registrationApproved = {
  type: 'object',
  properties: { userId: uuid, sellerId: uuid, approvedAt: time },
  required: ['userId', 'sellerId', 'approvedAt'],
  additionalProperties: false,
} as const;
export type RegistrationApproved = FromSchema<typeof registrationApproved>;

const registrationDeclined = {
  type: 'object',
  properties: { userId: uuid, sellerId: uuid, reason, declinedAt: time },
  required: ['userId', 'sellerId', 'reason', 'declinedAt'],
  additionalProperties: false,
} as const;
export type RegistrationDeclined = FromSchema<typeof registrationDeclined>;

export type RegistrationEvent =
  | { type: 'RegistrationRequested'; data: RegistrationRequested }
  | { type: 'RegistrationApproved'; data: RegistrationApproved }
  | { type: 'RegistrationDeclined'; data: RegistrationDeclined };

/** JSON schemas (2020-12) of the payloads, by type. */
export const accountEventSchemas: Record<AccountEvent['type'], SchemaObject> = {
  BidderBlocked: bidderBlocked,
  BidderUnblocked: bidderUnblocked,
  UserSuspended: userSuspended,
  UserReinstated: userReinstated,
  StrikeRecorded: strikeRecorded,
  AccountErased: accountErased,
};

export const registrationEventSchemas: Record<RegistrationEvent['type'], SchemaObject> = {
  RegistrationRequested: registrationRequested,
  RegistrationApproved: registrationApproved,
  RegistrationDeclined: registrationDeclined,
};

export const isAccountEventType = (type: string): type is AccountEvent['type'] => type in accountEventSchemas;
export const isRegistrationEventType = (type: string): type is RegistrationEvent['type'] =>
  type in registrationEventSchemas;
