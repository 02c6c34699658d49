/**
 * The event log: the EventStore port, its PostgreSQL and EventStoreDB adapters, and the
 * encoding of positions. Nothing here knows about auctions.
 */
export { type Decider } from './decider';
export {
  type AppendResult,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  type Subscription,
  WrongExpectedRevisionError,
} from './eventStore';
export { getEventStoreDbEventStore } from './eventstoredb/eventStoreDbEventStore';
export { getInMemoryEventStore } from './memory/inMemoryEventStore';
export { eventStoreMigrations } from './postgres/migrations';
export { getPostgresEventStore } from './postgres/postgresEventStore';
export { InvalidPositionError, isPosition, toJson } from './serialization';
