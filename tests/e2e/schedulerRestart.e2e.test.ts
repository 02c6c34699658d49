import { randomUUID } from 'node:crypto';
import { createPool } from '../../src/platform';
import { auctionStreamId, getPostgresEventStore } from '../../src/events';
import { waitUntil } from '../support/readModelSnapshot';
import { freePort, startServerProcess } from '../support/serverProcess';
import { TEST_JWT_SECRET, createAuction, deleteKeys, registerUser } from '../support/testApp';
import { createTestDatabase } from '../support/testDatabase';

it('kill -9 between creation and end, start again after the end: the auction closes', async () => {
  const database = await createTestDatabase('sched_kill');
  const prefix = `schedkill-${randomUUID().slice(0, 8)}:`;
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET: TEST_JWT_SECRET,
    PROJECTION_LEASE_TTL_SECONDS: '2',
    SCHEDULER_SWEEP_SECONDS: '1',
    LOG_LEVEL: 'warn',
  };
  const pool = createPool(database.url, 2);
  const eventStore = getPostgresEventStore({ pool, connectionString: database.url });
  const first = await startServerProcess(env, freePort());
  try {
    const seller = await registerUser(first.url, 'seller');
    const auctionId = await createAuction(first.url, seller.token, {
      endsAt: new Date(Date.now() + 2000).toISOString(),
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await first.kill('SIGKILL')).toBeNull();
    await new Promise((r) => setTimeout(r, 2500)); // the end passes while nothing runs
    const second = await startServerProcess(env, freePort());
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
