import { NOTIFICATIONS_PROJECTION } from '../../src/projections';
import jwt from 'jsonwebtoken';
import { Client } from 'pg';
import { Queue } from 'bullmq';
import { SCHEDULER_QUEUE, bullConnection, endingSoonJobId } from '../../src/scheduler';
import { userStreamId } from '../../src/watching';
import { call, createAuction, inSeconds, registerUser, startTestApp, type Reply } from '../support/testApp';
import { connectWs } from '../support/wsClient';

type User = Awaited<ReturnType<typeof registerUser>>;
interface Notice {
  notificationId: string;
  kind: string;
  auctionId: string;
  auction: Record<string, unknown>;
  at: string;
  cursor: string;
}

/**
 * Watching and notifications over HTTP and WebSocket, as a signed-in user uses them: the
 * watchlist in the user's stream, each notification kind once per cause, the `me` channel live
 * and caught up, and nobody reading anyone else's.
 */
describe('watching and notifications', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let db: Client;
  let seller: User;
  let alice: User;
  let bob: User;
  let carol: User;

  beforeAll(async () => {
    t = await startTestApp({
      label: 'notify',
      env: { NOTIFY_ENDING_SOON_SECONDS: '60', SCHEDULER_SWEEP_SECONDS: '1' },
    });
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    [seller, alice, bob, carol] = (await Promise.all(
      ['seller', 'alice', 'bob', 'carol'].map((n) => registerUser(t.url, n)),
    )) as [User, User, User, User];
  });
  afterAll(async () => {
    await db.end();
    await t.stop();
  });

  const bid = async (user: User, auctionId: string, amount: number, maxAmount?: number) => {
    const reply = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: user.token,
      body: { amount, ...(maxAmount ? { maxAmount } : {}) },
    });
    expect(reply.status).toBe(201);
    return reply.body.position as string;
  };
  /** The user's notifications once the projection has reached `position`. */
  const notificationsOf = async (user: User, position?: string, after?: string): Promise<Notice[]> => {
    const reply = await call(t.url, 'GET', `/me/notifications?limit=100${after ? `&after=${after}` : ''}`, {
      token: user.token,
      headers: position ? { 'X-Min-Position': position } : {},
    });
    expect(reply.status).toBe(200);
    return reply.body.items as Notice[];
  };
  const kinds = (notices: Notice[], auctionId: string) =>
    notices.filter((n) => n.auctionId === auctionId).map((n) => n.kind);
  const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 15_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  describe('the watchlist', () => {
    const watch = (user: User, auctionId: string, method = 'PUT') =>
      call(t.url, method, `/me/watchlist/${auctionId}`, { token: user.token });

    it('PUT and DELETE are idempotent and recorded once in the user stream; the list follows', async () => {
      const auctionId = await createAuction(t.url, seller.token);
      const first = await watch(alice, auctionId);
      expect(first.status).toBe(204);
      const position = first.headers.get('X-Event-Position')!;
      expect(position).toBeTruthy();
      expect((await watch(alice, auctionId)).status).toBe(204);
      const stream = await t.app.eventStore.readStream(userStreamId(alice.userId));
      expect(stream.map((e) => e.type)).toEqual(['AuctionWatched']);

      const list = await call(t.url, 'GET', '/me/watchlist', {
        token: alice.token,
        headers: { 'X-Min-Position': position },
      });
      expect(list.status).toBe(200);
      expect((list.body.items as Array<{ auctionId: string }>).map((a) => a.auctionId)).toEqual([auctionId]);
      // Nobody else's list shows it.
      const bobs = await call(t.url, 'GET', '/me/watchlist', {
        token: bob.token,
        headers: { 'X-Min-Position': position },
      });
      expect(bobs.body.items).toEqual([]);

      const removed = await watch(alice, auctionId, 'DELETE');
      expect(removed.status).toBe(204);
      expect((await watch(alice, auctionId, 'DELETE')).status).toBe(204);
      const after = await call(t.url, 'GET', '/me/watchlist', {
        token: alice.token,
        headers: { 'X-Min-Position': removed.headers.get('X-Event-Position')! },
      });
      expect(after.body.items).toEqual([]);
      expect((await t.app.eventStore.readStream(userStreamId(alice.userId))).map((e) => e.type)).toEqual([
        'AuctionWatched',
        'AuctionUnwatched',
      ]);
    });

    it('pages with an opaque cursor, latest watched first', async () => {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push(await createAuction(t.url, seller.token));
      let position = '';
      for (const id of ids) position = (await watch(carol, id)).headers.get('X-Event-Position')!;
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Reply = await call(
          t.url,
          'GET',
          `/me/watchlist?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          {
            token: carol.token,
            headers: { 'X-Min-Position': position },
          },
        );
        expect(page.status).toBe(200);
        seen.push(...(page.body.items as Array<{ auctionId: string }>).map((a) => a.auctionId));
        cursor = page.body.nextCursor as string | null;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
      for (const id of ids) await watch(carol, id, 'DELETE');
    });

    it('bad input: unknown or malformed auction, no token, forged token, bad cursor', async () => {
      const unknown = await watch(alice, '0190a0a0-0000-7000-8000-000000000000');
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('AUCTION_NOT_FOUND');
      expect(unknown.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const malformed = await watch(alice, 'not-a-uuid');
      expect(malformed.status).toBe(400);
      expect(
        (await call(t.url, 'PUT', `/me/watchlist/${await createAuction(t.url, seller.token)}`)).status,
      ).toBe(401);
      // A token for alice signed with another key: refused, never alice's data.
      const forged = jwt.sign(
        { sub: alice.userId, roles: ['bidder'] },
        'another-secret-another-secret-0123456789',
      );
      for (const path of ['/me/watchlist', '/me/notifications'])
        expect((await call(t.url, 'GET', path, { token: forged })).status).toBe(401);
      const badCursor = await call(t.url, 'GET', '/me/notifications?after=bm9wZQ', { token: alice.token });
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.code).toBe('VALIDATION_FAILED');
      const badWatchCursor = await call(t.url, 'GET', '/me/watchlist?cursor=xyz', { token: alice.token });
      expect(badWatchCursor.status).toBe(400);
    });
  });

  describe('notifications', () => {
    it('outbid: by another bid, and by a proxy answering at once; each once, to the right user only', async () => {
      const auctionId = await createAuction(t.url, seller.token, { startingPrice: 1000, minIncrement: 100 });
      await bid(alice, auctionId, 1000);
      let position = await bid(bob, auctionId, 1200, 3000); // passes alice: alice is outbid
      position = await bid(carol, auctionId, 1500); // bob's proxy answers: carol is outbid at once
      const [a, b, c] = (await Promise.all([alice, bob, carol].map((u) => notificationsOf(u, position)))) as [
        Notice[],
        Notice[],
        Notice[],
      ];
      expect(kinds(a, auctionId)).toEqual(['outbid']);
      expect(kinds(b, auctionId)).toEqual([]);
      expect(kinds(c, auctionId)).toEqual(['outbid']);
      const notice = c.find((n) => n.auctionId === auctionId)!;
      expect(notice.auction).toMatchObject({ auctionId, currentPrice: 1600, leadingBidderId: bob.userId });
      // Nobody's ceiling or the reserve shows in anyone else's notification.
      expect(JSON.stringify([a, c])).not.toContain('3000');
      expect(notice.auction.myMaxAmount ?? null).toBeNull();
    });

    it('won and lost at the close; ending_soon to bidders and watchers; each exactly once', async () => {
      // Ends in 63 s with a 60 s notice: the notice comes about 3 s from now, the close much later,
      // so the close is forced by moving nothing: we wait for the notice only.
      const auctionId = await createAuction(t.url, seller.token, { endsAt: inSeconds(63) });
      await bid(alice, auctionId, 1000);
      await bid(bob, auctionId, 1100);
      const watched = await call(t.url, 'PUT', `/me/watchlist/${auctionId}`, { token: carol.token });
      expect(watched.status).toBe(204);
      for (const user of [alice, bob, carol])
        await until(
          () => notificationsOf(user),
          (ns) => kinds(ns, auctionId).includes('ending_soon'),
        );
      const events = await t.app.eventStore.readStream(`auction-${auctionId}`);
      expect(events.filter((e) => e.type === 'AuctionEndingSoon')).toHaveLength(1);
      // The sweep runs every second and asks again: still one notice.
      await new Promise((r) => setTimeout(r, 2500));
      const again = await t.app.eventStore.readStream(`auction-${auctionId}`);
      expect(again.filter((e) => e.type === 'AuctionEndingSoon')).toHaveLength(1);
      for (const user of [alice, bob, carol])
        expect(kinds(await notificationsOf(user), auctionId).filter((k) => k === 'ending_soon')).toHaveLength(
          1,
        );
    });

    it('ending soon moves with a soft-close extension: not told at the old time', async () => {
      // Due 60 s before an end 64 s away: in about 4 s. A bid now (inside the 120 s window)
      // extends the end to 90 s from now, so the notice moves to about 30 s from now.
      const auctionId = await createAuction(t.url, seller.token, {
        endsAt: inSeconds(64),
        softClose: { windowSeconds: 120, extensionSeconds: 90 },
      });
      const position = await bid(alice, auctionId, 1000);
      const events = await t.app.eventStore.readStream(`auction-${auctionId}`);
      expect(events.map((e) => e.type)).toEqual(['AuctionCreated', 'BidPlaced', 'AuctionExtended']);
      await new Promise((r) => setTimeout(r, 6500)); // past the old time, and two sweeps
      const after = await t.app.eventStore.readStream(`auction-${auctionId}`);
      expect(after.some((e) => e.type === 'AuctionEndingSoon')).toBe(false);
      expect(kinds(await notificationsOf(alice, position), auctionId)).toEqual([]);
      // ...and it is planned for the new end.
      const newEnd = Date.parse((events[2]!.data as { endsAt: string }).endsAt);
      const queue = new Queue(SCHEDULER_QUEUE, {
        connection: bullConnection(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'),
        prefix: `${t.redisKeyPrefix}bull`,
      });
      try {
        const job = await queue.getJob(endingSoonJobId(auctionId, newEnd));
        expect(await job?.getState()).toBe('delayed');
        expect(job!.timestamp + job!.delay).toBeGreaterThan(newEnd - 60_000 - 2000);
      } finally {
        await queue.close();
      }
    });

    it('won and lost: the winner and everyone else who bid', async () => {
      const auctionId = await createAuction(t.url, seller.token, { endsAt: inSeconds(2) });
      await bid(alice, auctionId, 1000);
      await bid(bob, auctionId, 1100);
      await bid(carol, auctionId, 1200);
      const byUser = await Promise.all(
        [alice, bob, carol].map((u) =>
          until(
            () => notificationsOf(u),
            (ns) => kinds(ns, auctionId).some((k) => k === 'won' || k === 'lost'),
          ),
        ),
      );
      expect(byUser.map((ns) => kinds(ns, auctionId).filter((k) => k === 'won' || k === 'lost'))).toEqual([
        ['lost'],
        ['lost'],
        ['won'],
      ]);
    });

    it('cancelled: to the watchers of an auction cancelled before any bid', async () => {
      const auctionId = await createAuction(t.url, seller.token);
      await call(t.url, 'PUT', `/me/watchlist/${auctionId}`, { token: alice.token });
      const cancelled = await call(t.url, 'POST', `/auctions/${auctionId}/cancel`, {
        token: seller.token,
        body: {},
      });
      expect(cancelled.status).toBe(200);
      const ns = await notificationsOf(alice, cancelled.body.position as string);
      expect(kinds(ns, auctionId)).toEqual(['cancelled']);
      expect(kinds(await notificationsOf(bob, cancelled.body.position as string), auctionId)).toEqual([]);
    });

    it('a rebuild of the projection from the start of the log derives the same notifications, none twice', async () => {
      const before = await db.query(
        'SELECT notification_id, user_id, kind, auction_id FROM notifications ORDER BY seq',
      );
      const runner = t.app.projections.find((p) => p.name === NOTIFICATIONS_PROJECTION)!;
      expect((await runner.status()).state).toBe('running');
      // As a rebuild does: forget the derived facts and the checkpoint; the log is replayed.
      await db.query('BEGIN');
      await db.query('TRUNCATE notify_auctions, notify_watchers');
      await db.query(`UPDATE projection_checkpoints SET position = '' WHERE name = $1`, [
        NOTIFICATIONS_PROJECTION,
      ]);
      await db.query('COMMIT');
      const head = (await t.app.eventStore.headPosition())!;
      // The runner notices its checkpoint moved, starts over from the beginning and catches up.
      await until(
        async () =>
          (
            await db.query(`SELECT position FROM projection_checkpoints WHERE name = $1`, [
              NOTIFICATIONS_PROJECTION,
            ])
          ).rows[0].position as string,
        (position) => position >= head,
      );
      expect((await db.query('SELECT count(*)::int AS n FROM notify_auctions')).rows[0].n).toBeGreaterThan(0);
      const after = await db.query(
        'SELECT notification_id, user_id, kind, auction_id FROM notifications ORDER BY seq',
      );
      expect(after.rows).toEqual(before.rows);
    });
  });

  describe('the me channel', () => {
    it('needs a token; sends a user their own notifications live, and what they missed after a cursor', async () => {
      const anonymous = await connectWs(t.url);
      anonymous.send({ type: 'subscribe', channel: 'me' });
      await anonymous.until((ms) => ms.some((m) => m.type === 'error'));
      expect(anonymous.messages[0]).toMatchObject({ type: 'error', code: 'UNAUTHORIZED', channel: 'me' });
      anonymous.close();

      const auctionId = await createAuction(t.url, seller.token);
      const aliceWs = await connectWs(t.url, { token: alice.token });
      const bobWs = await connectWs(t.url, { token: bob.token });
      for (const c of [aliceWs, bobWs]) {
        c.send({ type: 'subscribe', channel: 'me' });
        await c.until((ms) => ms.some((m) => m.type === 'subscribed' && m.channel === 'me'));
      }
      await bid(alice, auctionId, 1000);
      await bid(bob, auctionId, 1100);
      await aliceWs.until((ms) => ms.some((m) => m.type === 'notification'));
      const live = aliceWs.messages.find((m) => m.type === 'notification')!.notification as Notice;
      expect(live).toMatchObject({ kind: 'outbid', auctionId });
      await new Promise((r) => setTimeout(r, 300));
      expect(bobWs.messages.filter((m) => m.type === 'notification')).toEqual([]);

      // Offline, alice is outbid again; on return she resumes after the last one she had.
      aliceWs.close();
      await bid(alice, auctionId, 1200);
      const position = await bid(bob, auctionId, 1300);
      await notificationsOf(alice, position);
      const back = await connectWs(t.url, { token: alice.token });
      back.send({ type: 'subscribe', channel: 'me', after: live.cursor });
      await back.until((ms) => ms.filter((m) => m.type === 'notification').length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      const caughtUp = back.messages
        .filter((m) => m.type === 'notification')
        .map((m) => m.notification as Notice);
      expect(caughtUp.map((n) => [n.kind, n.auction.currentPrice])).toEqual([['outbid', 1300]]);
      back.send({ type: 'subscribe', channel: 'me', after: 'bm9wZQ' });
      await back.until((ms) => ms.some((m) => m.type === 'error'));
      expect(back.messages.find((m) => m.type === 'error')).toMatchObject({ code: 'ALREADY_SUBSCRIBED' });
      back.send({ type: 'unsubscribe', channel: 'me' });
      await back.until((ms) => ms.some((m) => m.type === 'unsubscribed' && m.channel === 'me'));
      back.close();
      bobWs.close();
    });
  });

  it('two instances: the notification is made once, and reaches the user on the other instance', async () => {
    const other = await startTestApp({ databaseUrl: t.databaseUrl });
    try {
      const auctionId = await createAuction(t.url, seller.token);
      const aliceWs = await connectWs(other.url, { token: alice.token });
      aliceWs.send({ type: 'subscribe', channel: 'me' });
      await aliceWs.until((ms) => ms.some((m) => m.type === 'subscribed'));
      await bid(alice, auctionId, 1000);
      const position = await bid(bob, auctionId, 1100);
      await aliceWs.until((ms) => ms.some((m) => m.type === 'notification'));
      const stored = await notificationsOf(alice, position);
      expect(kinds(stored, auctionId)).toEqual(['outbid']);
      aliceWs.close();
    } finally {
      await other.stop();
    }
  });
});
