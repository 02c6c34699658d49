import type { Pool } from 'pg';
import { getEventStoreDbEventStore, getPostgresEventStore, type EventStore } from '../events';
import type { Config } from '../platform';

/** The event store the configuration names: EventStoreDB when a connection string is set, else PostgreSQL. */
export function getEventStore(config: Config, pool: Pool): EventStore {
  return config.eventStoreConnectionString
    ? getEventStoreDbEventStore({ connectionString: config.eventStoreConnectionString })
    : getPostgresEventStore({ pool, connectionString: config.databaseUrl });
}
