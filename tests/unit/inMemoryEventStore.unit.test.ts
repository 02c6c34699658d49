import { getInMemoryEventStore } from '../../src/events';
import { eventStoreContract } from '../integration/eventStoreContract';

// The in-memory store passes the same contract as the PostgreSQL and EventStoreDB adapters, so
// logic tested on it (the command handler below, projections) behaves the same on them.
describe('in-memory event store', () => {
  const store = getInMemoryEventStore();
  eventStoreContract({ store: () => store });
});
