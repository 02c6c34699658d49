import { EventStore, getEventStoreDbEventStore } from '../../src/events';
import { eventStoreContract } from './eventStoreContract';

const connectionString = process.env.TEST_EVENTSTORE_CONNECTION_STRING;
const skipReason = process.env.TEST_EVENTSTORE_SKIP_REASON ?? 'EventStoreDB is not available';

if (!connectionString) {
  // Loud, counted as skipped in the totals: no EventStoreDB server and no Docker engine here.
  process.stderr.write(`\n!! ${skipReason}\n`);
  // Skipped on purpose, with the reason in its name: no EventStoreDB server is reachable.
  describe.skip(`EventStoreDB event store (${skipReason})`, () => {
    eventStoreContract({ store: () => undefined as unknown as EventStore });
  });
} else {
  describe('EventStoreDB event store', () => {
    let store: EventStore;
    beforeAll(() => {
      store = getEventStoreDbEventStore({ connectionString });
    });
    afterAll(async () => {
      await store.close();
    });
    eventStoreContract({ store: () => store });
  });
}
