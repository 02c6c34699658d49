/**
 * Who may bid, pure: the user stream's blocks and suspensions, each sale's registrations stream,
 * their deciders, and the access index every instance folds from the log. No I/O.
 */
export {
  type AccountCommand,
  accountDecider,
  type AccountStanding,
  accountStreamType,
  PLATFORM_ADMIN_ID,
} from './accountDecider';
export { ACCESS_EVENT_TYPES, type AccessIndex, createAccessIndex, type OwnRegistration } from './accessIndex';
export {
  type AccountEvent,
  accountEventSchemas,
  type RegistrationEvent,
  registrationEventSchemas,
  type UserSuspended,
  type UserReinstated,
  type StrikeRecorded,
  type AccountErased,
} from './bidderEvents';
export { type BidderRuleCode, BidderRuleError } from './bidderRuleError';
export {
  type Registration,
  type RegistrationCommand,
  registrationDecider,
  type Registrations,
  registrationsStreamId,
  type RegistrationStatus,
  registrationStreamType,
  saleIdOfRegistrations,
  type SaleTerms,
} from './registrationDecider';
