import { randomUUID } from 'node:crypto';
import { createKnex, createPool } from '../../src/platform';
import { getPostgresEventStore } from '../../src/events';
import { buildPostgresReadModel, POSTGRES_PROJECTION, REDIS_PROJECTION } from '../../src/projections';
import { snapshotPostgres, waitUntil } from '../support/readModelSnapshot';
import { freePort, serverEnv, startServerProcess, type ServerProcess } from '../support/serverProcess';
import { call, createAuction, deleteKeys, registerUser } from '../support/testApp';
import { createTestDatabase } from '../support/testDatabase';

const projectionStates = async (server: ServerProcess) => {
  const res = await call(server.url, 'GET', '/health/ready').catch(() => undefined);
  const checks = (res?.body.checks ?? {}) as Record<string, { state?: string }>;
  return [POSTGRES_PROJECTION, REDIS_PROJECTION].map((name) => checks[`projection:${name}`]?.state);
};

describe('kill -9 of the instance running the projections', () => {
  it('the other takes over within seconds; afterwards the read model equals a fresh rebuild', async () => {
    const database = await createTestDatabase('failover');
    const prefix = `failover-${randomUUID().slice(0, 8)}:`;
    const env = serverEnv(database.url, prefix);
    const a = await startServerProcess(env, await freePort());
    const b = await startServerProcess(env, await freePort());
    const knex = createKnex(database.url, 4);
    const pool = createPool(database.url, 2);
    const eventStore = getPostgresEventStore({ pool, connectionString: database.url });
    try {
      await waitUntil(
        async () =>
          (await projectionStates(a)).includes('running') || (await projectionStates(b)).includes('running'),
        15_000,
        'a runner',
      );
      const holder = (await projectionStates(a))[0] === 'running' ? a : b;
      const survivor = holder === a ? b : a;

      const seller = await registerUser(survivor.url, 'seller');
      // Two bidders taking turns: each bid is a bid (the leader bidding again would only raise a ceiling).
      const bidders = [await registerUser(survivor.url, 'bidder'), await registerUser(survivor.url, 'rival')];
      const auctionId = await createAuction(survivor.url, seller.token, { minIncrement: 1 });
      let amount = 1000;
      let stop = false;
      let accepted = 0;
      const load = (async () => {
        while (!stop) {
          const res = await call(survivor.url, 'POST', `/auctions/${auctionId}/bids`, {
            token: bidders[accepted % 2]!.token,
            body: { amount: amount++ },
          });
          if (res.status === 201) accepted++;
        }
      })();
      await waitUntil(async () => accepted > 30, 10_000, 'bids to flow');
      const killedAt = Date.now();
      expect(await holder.kill('SIGKILL')).toBeNull();
      await waitUntil(
        async () => (await projectionStates(survivor)).every((s) => s === 'running'),
        15_000,
        'takeover',
      );
      const takeoverMs = Date.now() - killedAt;
      expect(takeoverMs).toBeLessThan(10_000);
      await waitUntil(async () => accepted > 100, 10_000, 'more bids');
      stop = true;
      await load;

      const head = await eventStore.headPosition();
      const last = await call(survivor.url, 'GET', `/auctions/${auctionId}`, {
        headers: { 'X-Min-Position': head! },
      });
      expect(last.status).toBe(200);
      expect(last.body.bidCount).toBe(accepted);
      await waitUntil(
        async () =>
          (await knex('projection_checkpoints').where({ name: POSTGRES_PROJECTION }).first()).position ===
          head,
        10_000,
        'catch up',
      );
      await buildPostgresReadModel(knex, eventStore, 'read_model_check');
      expect(await snapshotPostgres(knex, 'read_model')).toEqual(
        await snapshotPostgres(knex, 'read_model_check'),
      );
    } finally {
      await a.kill();
      await b.kill();
      await eventStore.close();
      await pool.end();
      await knex.destroy();
      await database.drop();
      await deleteKeys(prefix);
    }
  });
});
