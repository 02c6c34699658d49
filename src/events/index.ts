/**
 * The event log: the EventStore port, its PostgreSQL and EventStoreDB adapters, and the
 * encoding of positions. Nothing here knows about auctions.
 */
export * from './eventStore';
export type { Decider } from './decider';
export { getPostgresEventStore } from './postgres/postgresEventStore';
export { eventStoreMigrations } from './postgres/migrations';
export { getEventStoreDbEventStore } from './eventstoredb/eventStoreDbEventStore';
export { InvalidPositionError, isPosition, toJson } from './serialization';
export { getInMemoryEventStore } from './memory/inMemoryEventStore';
