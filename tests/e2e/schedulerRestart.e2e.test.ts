import { randomUUID } from 'node:crypto';
import { createPool } from '../../src/platform';
import { getPostgresEventStore } from '../../src/events';
import { auctionStreamId } from '../../src/auction';
import { waitUntil } from '../support/readModelSnapshot';
import { freePort, serverEnv, startServerProcess } from '../support/serverProcess';
import { createAuction, deleteKeys, registerUser } from '../support/testApp';
import { createTestDatabase } from '../support/testDatabase';

it('kill -9 between creation and end, start again after the end: the auction closes', async () => {
  const database = await createTestDatabase('sched_kill');
  const prefix = `schedkill-${randomUUID().slice(0, 8)}:`;
  const env = serverEnv(database.url, prefix, { SCHEDULER_SWEEP_SECONDS: '1' });
  const pool = createPool(database.url, 2);
  const eventStore = getPostgresEventStore({ pool, connectionString: database.url });
  const first = await startServerProcess(env, await freePort());
  try {
    const seller = await registerUser(first.url, 'seller');
    const auctionId = await createAuction(first.url, seller.token, {
      endsAt: new Date(Date.now() + 2000).toISOString(),
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await first.kill('SIGKILL')).toBeNull();
    await new Promise((r) => setTimeout(r, 2500)); // the end passes while nothing runs
    const second = await startServerProcess(env, await freePort());
    try {
      const closed = async () =>
        (await eventStore.readStream(auctionStreamId(auctionId))).filter((e) => e.type === 'AuctionClosed');
      await waitUntil(async () => (await closed()).length > 0, 20_000, 'the close');
      await new Promise((r) => setTimeout(r, 1500)); // a late duplicate would show up here
      expect(await closed()).toHaveLength(1);
    } finally {
      await second.kill();
    }
  } finally {
    await first.kill();
    await eventStore.close();
    await pool.end();
    await database.drop();
    await deleteKeys(prefix);
  }
});
