import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { type RecordedEvent } from '../../src/events';
import { auctionStreamId } from '../../src/auction';
import { createKnex } from '../../src/platform';
import {
  CheckpointMovedError,
  POSTGRES_PROJECTION,
  REDIS_PROJECTION,
  buildPostgresReadModel,
  currentGeneration,
  postgresReadModel,
  redisReadModel,
  rebuildPostgresReadModel,
  rebuildRedisReadModel,
  redisKeys,
} from '../../src/projections';
import { snapshotPostgres, snapshotRedisStates, waitUntil } from '../support/readModelSnapshot';
import { call, createAuction, deleteKeys, registerUser, startTestApp } from '../support/testApp';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

async function placeSomeBids(t: TestApp, auctions: number, bidsPerAuction: number) {
  const seller = await registerUser(t.url, 'seller');
  const bidders = await Promise.all([
    registerUser(t.url, 'b1'),
    registerUser(t.url, 'b2'),
    registerUser(t.url, 'b3'),
  ]);
  const ids: string[] = [];
  for (let i = 0; i < auctions; i++)
    ids.push(await createAuction(t.url, seller.token, { minIncrement: 10, reservePrice: 1200 }));
  let last = '';
  await Promise.all(
    ids.map(async (id) => {
      for (let n = 0; n < bidsPerAuction; n++) {
        const bidder = bidders[n % bidders.length]!;
        const res = await call(t.url, 'POST', `/auctions/${id}/bids`, {
          token: bidder.token,
          body:
            n % 4 === 0
              ? { amount: 1000 + n * 10, maxAmount: 1000 + n * 10 + 25 }
              : { amount: 1000 + n * 40 },
        });
        if (res.status === 201 && (res.body.position as string) > last) last = res.body.position as string;
      }
    }),
  );
  return { ids, last };
}

/** Both read models have stored the head of the log as their checkpoint. */
async function caughtUp(t: TestApp) {
  const head = await t.app.eventStore.headPosition();
  const knex = createKnex(t.databaseUrl, 1);
  try {
    const pg = await postgresReadModel(knex).readCheckpoint();
    const generation = await currentGeneration(t.app.redis, t.redisKeyPrefix);
    const redis = await redisReadModel(t.app.redis, {
      prefix: t.redisKeyPrefix,
      generation,
    }).readCheckpoint();
    return pg === head && redis === head;
  } finally {
    await knex.destroy();
  }
}

describe('projections', () => {
  describe('a batch that fails midway', () => {
    let t: TestApp;
    let knex: Knex;
    beforeAll(async () => {
      t = await startTestApp({ label: 'proj_batch', env: { ROLES: 'api' } }); // no projector: we drive it
      knex = createKnex(t.databaseUrl, 4);
    });
    afterAll(async () => {
      await knex.destroy();
      await t.stop();
    });

    it('applies nothing of a failed batch and nothing twice; the read model then equals a fresh rebuild', async () => {
      await placeSomeBids(t, 4, 6);
      const events = await t.app.eventStore.readAll({ limit: 10_000 });
      const store = postgresReadModel(knex);
      const half = Math.floor(events.length / 2);
      // A poison event in the middle: its bidder id is not a UUID, so the insert fails after
      // the auctions of the batch were already written inside the transaction.
      const poison: RecordedEvent = {
        ...events[half]!,
        streamId: events.find((e) => e.type === 'AuctionCreated')!.streamId,
        type: 'BidPlaced',
        revision: 999n,
        data: {
          bidId: randomUUID(),
          bidderId: 'not-a-uuid',
          amount: 1,
          auto: false,
          placedAt: new Date().toISOString(),
        },
      };
      const poisoned = [...events.slice(0, half), poison, ...events.slice(half)];
      await expect(store.applyBatch(poisoned, undefined, events.at(-1)!.position)).rejects.toThrow(
        /invalid input syntax for type uuid/,
      );
      expect(await store.readCheckpoint()).toBeUndefined();
      expect(await knex('read_model.auctions').count({ n: '*' })).toEqual([{ n: '0' }]);

      const first = events.slice(0, half);
      await store.applyBatch(first, undefined, first.at(-1)!.position);
      // A runner that missed the move (a crash after commit, another instance) cannot apply again.
      await expect(store.applyBatch(first, undefined, first.at(-1)!.position)).rejects.toBeInstanceOf(
        CheckpointMovedError,
      );
      await store.applyBatch(events.slice(half), first.at(-1)!.position, events.at(-1)!.position);
      expect(await store.readCheckpoint()).toBe(events.at(-1)!.position);

      await buildPostgresReadModel(knex, t.app.eventStore, 'read_model_check');
      expect(await snapshotPostgres(knex, 'read_model')).toEqual(
        await snapshotPostgres(knex, 'read_model_check'),
      );
      await knex.raw('DROP SCHEMA read_model_check CASCADE');
    });
  });

  it('the Redis read model writes a batch larger than one script call in slices, each with its checkpoint', async () => {
    const t = await startTestApp({ label: 'proj_slices', env: { ROLES: 'api' } });
    try {
      // A rebuild's page: 2,500 auctions created in a row, one script call per 1,000 events.
      const sellerId = randomUUID();
      const events: RecordedEvent[] = Array.from({ length: 2500 }, (_, i) => {
        const auctionId = randomUUID();
        return {
          id: randomUUID(),
          streamId: auctionStreamId(auctionId),
          revision: 0n,
          position: `p${String(i).padStart(6, '0')}`,
          type: 'AuctionCreated',
          data: {
            auctionId,
            sellerId,
            title: `Lot ${i}`,
            description: '',
            currency: 'EUR',
            startingPrice: 100,
            reservePrice: i % 2 ? 500 : null,
            minIncrement: 10,
            startsAt: '2026-01-01T00:00:00.000Z',
            endsAt: '2099-01-01T00:00:00.000Z',
            softClose: null,
            createdAt: '2026-01-01T00:00:00.000Z',
          },
          metadata: {} as RecordedEvent['metadata'],
          recordedAt: new Date(),
        };
      });
      const prefix = `${t.redisKeyPrefix}slices:`;
      const store = redisReadModel(t.app.redis, { prefix, generation: '0' });
      const changes = await store.applyBatch(events, undefined, 'p-end');
      expect(await store.readCheckpoint()).toBe('p-end');
      expect(changes).toHaveLength(2500);
      const ids = events.map((e) => (e.data as { auctionId: string }).auctionId);
      const states = await snapshotRedisStates(t.app.redis, prefix, [
        ids[0]!,
        ids[999]!,
        ids[1000]!,
        ids[2499]!,
      ]);
      for (const id of [ids[0]!, ids[999]!, ids[1000]!, ids[2499]!])
        expect(states[id]).toMatchObject({ revision: 0, state: { auctionId: id, status: 'active' } });
      expect(await t.app.redis.zcard(redisKeys(prefix, '0').ending)).toBe(2500);
      // The next batch starts from where the last slice left the checkpoint, and no other place.
      await expect(store.applyBatch(events.slice(0, 1), 'p001999', 'p-next')).rejects.toBeInstanceOf(
        CheckpointMovedError,
      );
    } finally {
      await deleteKeys(`${t.redisKeyPrefix}slices:`);
      await t.stop();
    }
  });

  describe('running', () => {
    let t: TestApp;
    let knex: Knex;
    beforeAll(async () => {
      t = await startTestApp({ label: 'proj_running' });
      knex = createKnex(t.databaseUrl, 4);
    });
    afterAll(async () => {
      await knex.destroy();
      await t.stop();
    });

    it('a Redis that forgot everything (keys and scripts) while bids flow comes back equal to PostgreSQL', async () => {
      const load = placeSomeBids(t, 10, 15);
      await new Promise((r) => setTimeout(r, 150));
      await deleteKeys(t.redisKeyPrefix); // what FLUSHALL does to this app's keys
      await t.app.redis.script('FLUSH'); // and a restart to the scripts it had loaded
      const { ids } = await load;
      await deleteKeys(t.redisKeyPrefix); // and once more when it is idle
      await waitUntil(() => caughtUp(t), 20_000, 'projections to catch up');
      const pg = await knex('read_model.auctions')
        .whereIn('auction_id', ids)
        .select('auction_id', 'state', 'revision');
      const fromPostgres = Object.fromEntries(
        pg
          .sort((a, b) => (a.auction_id < b.auction_id ? -1 : 1))
          .map((r) => [r.auction_id, { state: r.state, revision: Number(r.revision) }]),
      );
      expect(await snapshotRedisStates(t.app.redis, t.redisKeyPrefix, ids)).toEqual(fromPostgres);
      // And the hot route serves from Redis again.
      const view = await call(t.url, 'GET', `/auctions/${ids[0]}`);
      expect(view.body.revision).toBe(fromPostgres[ids[0]!]!.revision);
    });

    it('rebuilds both read models beside the live ones and swaps them in, while bids flow', async () => {
      const load = placeSomeBids(t, 5, 10);
      const pgRebuild = rebuildPostgresReadModel(knex, t.app.eventStore);
      const redisRebuild = rebuildRedisReadModel(t.app.redis, t.app.eventStore, t.redisKeyPrefix);
      const { ids } = await load;
      const [pgResult, redisResult] = await Promise.all([pgRebuild, redisRebuild]);
      expect(pgResult.events).toBeGreaterThan(0);
      expect(redisResult.events).toBeGreaterThan(0);
      await waitUntil(() => caughtUp(t), 20_000, 'projections to catch up after the swap');
      await buildPostgresReadModel(knex, t.app.eventStore, 'read_model_check');
      expect(await snapshotPostgres(knex, 'read_model')).toEqual(
        await snapshotPostgres(knex, 'read_model_check'),
      );
      await knex.raw('DROP SCHEMA read_model_check CASCADE');
      const pg = await knex('read_model.auctions')
        .whereIn('auction_id', ids)
        .select('auction_id', 'state', 'revision');
      const redisStates = await snapshotRedisStates(t.app.redis, t.redisKeyPrefix, ids);
      for (const row of pg)
        expect(redisStates[row.auction_id]).toEqual({ state: row.state, revision: Number(row.revision) });
    });

    it('a handler error holds the projection at the event, the events before it applied, and health names it', async () => {
      const other = await startTestApp({ label: 'proj_poison' });
      try {
        const { last } = await placeSomeBids(other, 1, 2);
        await waitUntil(() => caughtUp(other), 20_000, 'catch up');
        const ready = await call(other.url, 'GET', '/health/ready');
        expect(ready.status).toBe(200);
        // An event the PostgreSQL read model cannot store (its bidder id is not a UUID).
        const auctionId = randomUUID();
        await other.app.eventStore.appendToStream(
          auctionStreamId(auctionId),
          [
            {
              type: 'AuctionCreated',
              data: {
                auctionId,
                sellerId: randomUUID(),
                title: 'x',
                description: '',
                currency: 'EUR',
                startingPrice: 1,
                reservePrice: null,
                minIncrement: null,
                startsAt: new Date().toISOString(),
                endsAt: new Date(Date.now() + 60_000).toISOString(),
                softClose: null,
                createdAt: new Date().toISOString(),
              },
            },
            {
              type: 'BidPlaced',
              data: {
                bidId: randomUUID(),
                bidderId: 'not-a-uuid',
                amount: 5,
                auto: false,
                placedAt: new Date().toISOString(),
              },
            },
          ],
          { expectedRevision: 'no_stream' },
        );
        const postgres = other.app.projections.find((p) => p.name === POSTGRES_PROJECTION)!;
        await waitUntil(
          async () => (await postgres.status()).state === 'failed',
          10_000,
          'the projection to fail',
        );
        const status = await postgres.status();
        // The batch's events before the culprit are applied; the culprit is named, not skipped.
        const [created, culprit] = await other.app.eventStore.readStream(auctionStreamId(auctionId));
        expect(created!.position > last).toBe(true);
        expect(status.position).toBe(created!.position);
        expect(status.failure).toMatchObject({ position: culprit!.position, eventType: 'BidPlaced' });
        expect(status.error).toMatch(/uuid/i);
        expect(status.lagMs).toBeGreaterThan(0); // the poison event waits, unapplied, and ages
        const notReady = await call(other.url, 'GET', '/health/ready');
        expect(notReady.status).toBe(503);
        expect(notReady.body).toMatchObject({
          status: 'not_ready',
          checks: {
            [`projection:${POSTGRES_PROJECTION}`]: {
              status: 'failing',
              position: culprit!.position,
              eventType: 'BidPlaced',
              streamId: auctionStreamId(auctionId),
            },
          },
        });
        // The other projection is unaffected.
        const redis = other.app.projections.find((p) => p.name === REDIS_PROJECTION)!;
        expect((await redis.status()).state).toBe('running');
      } finally {
        await other.stop();
      }
    });
  });

  it('two instances: exactly one runs each projection; stop the holder and the other takes over', async () => {
    const a = await startTestApp({ label: 'proj_lease' });
    const b = await startTestApp({ databaseUrl: a.databaseUrl });
    try {
      const states = async () =>
        Promise.all(
          [a, b].map(async (t) => Promise.all(t.app.projections.map(async (p) => (await p.status()).state))),
        );
      await waitUntil(
        async () => {
          const [sa, sb] = await states();
          return sa!.every((s, i) => [s, sb![i]].sort().join() === 'running,standby');
        },
        10_000,
        'one runner per projection',
      );
      // Stop the instance running the PostgreSQL projection (it may run both, or one each).
      const holder = (await states())[0]![0] === 'running' ? a : b;
      const standby = holder === a ? b : a;
      await holder.app.stop();
      await waitUntil(
        async () =>
          (await Promise.all(standby.app.projections.map((p) => p.status()))).every(
            (s) => s.state === 'running',
          ),
        10_000,
        'the standby to take over',
      );
      const { ids } = await placeSomeBids(standby, 2, 3);
      await waitUntil(() => caughtUp(standby), 10_000, 'catch up');
      const view = await call(standby.url, 'GET', `/auctions/${ids[0]}`);
      expect(view.body.bidCount).toBe(3);
    } finally {
      await b.stop().catch(() => undefined);
      await a.stop().catch(() => undefined);
    }
  });
});
