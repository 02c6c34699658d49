/**
 * One contract for every EventStore adapter. Each test writes to streams of its own (a random
 * prefix), so tests in one file share a store without seeing each other's streams.
 */
import { randomUUID } from 'node:crypto';
import { EventStore, NewEvent, RecordedEvent, WrongExpectedRevisionError } from '../../src/events';

export interface ContractFixture {
  store(): EventStore;
  /**
   * Appends to `streamId` in a transaction left open, so that appends made meanwhile commit
   * first. Only stores where commit order can differ from position order provide it.
   */
  appendInOpenTransaction?(streamId: string, event: NewEvent): Promise<{ commit(): Promise<void> }>;
}

const ev = (type: string, data: unknown = {}): NewEvent => ({ type, data });
const prefix = () => `c${randomUUID().slice(0, 8)}`;
const ofPrefix = (p: string) => (events: RecordedEvent[]) => events.filter((e) => e.streamId.startsWith(p));

async function expectConflict(promise: Promise<unknown>, expected: unknown, actual: unknown) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  const conflict = error as WrongExpectedRevisionError;
  expect(conflict.code).toBe('WRONG_EXPECTED_REVISION');
  expect(conflict.expected).toBe(expected);
  expect(conflict.actual).toBe(actual);
}

/** Collects what a subscription delivers; `until` resolves once `predicate` holds. */
function collector(store: EventStore, after?: string) {
  const received: RecordedEvent[] = [];
  let check = () => undefined as void;
  const subscription = store.subscribeToAll({
    after,
    batchSize: 50,
    onEvents: async (events) => {
      received.push(...events);
      check();
    },
  });
  return {
    received,
    subscription,
    until(predicate: (events: RecordedEvent[]) => boolean, timeoutMs = 20_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out with ${received.length} events`)),
          timeoutMs,
        );
        check = () => {
          if (predicate(received)) {
            clearTimeout(timer);
            resolve();
          }
        };
        check();
      });
    },
  };
}

function expectStrictlyIncreasing(positions: string[]) {
  for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true);
}

export function eventStoreContract(fixture: ContractFixture): void {
  const store = () => fixture.store();

  describe('expected revision', () => {
    it('reads a missing stream as empty', async () => {
      expect(await store().readStream(`${prefix()}-missing`)).toEqual([]);
    });

    it('no_stream creates the stream at revision 0 and refuses an existing one', async () => {
      const s = `${prefix()}-a`;
      const first = await store().appendToStream(s, [ev('A')], { expectedRevision: 'no_stream' });
      expect(first.nextExpectedRevision).toBe(0n);
      await expectConflict(
        store().appendToStream(s, [ev('B')], { expectedRevision: 'no_stream' }),
        'no_stream',
        0n,
      );
      expect((await store().readStream(s)).map((e) => e.type)).toEqual(['A']);
    });

    it('an exact revision appends only at that revision', async () => {
      const s = `${prefix()}-a`;
      await store().appendToStream(s, [ev('A')], { expectedRevision: 'no_stream' });
      const second = await store().appendToStream(s, [ev('B')], { expectedRevision: 0n });
      expect(second.nextExpectedRevision).toBe(1n);
      await expectConflict(store().appendToStream(s, [ev('C')], { expectedRevision: 0n }), 0n, 1n);
      await expectConflict(store().appendToStream(s, [ev('C')], { expectedRevision: 5n }), 5n, 1n);
      const events = await store().readStream(s);
      expect(events.map((e) => [e.type, e.revision])).toEqual([
        ['A', 0n],
        ['B', 1n],
      ]);
    });

    it('an exact revision on a missing stream is a conflict with actual no_stream', async () => {
      const s = `${prefix()}-a`;
      await expectConflict(store().appendToStream(s, [ev('A')], { expectedRevision: 0n }), 0n, 'no_stream');
      expect(await store().readStream(s)).toEqual([]);
    });

    it('stream_exists refuses a missing stream and appends to an existing one', async () => {
      const s = `${prefix()}-a`;
      await expectConflict(
        store().appendToStream(s, [ev('A')], { expectedRevision: 'stream_exists' }),
        'stream_exists',
        'no_stream',
      );
      await store().appendToStream(s, [ev('A')], { expectedRevision: 'no_stream' });
      const result = await store().appendToStream(s, [ev('B')], { expectedRevision: 'stream_exists' });
      expect(result.nextExpectedRevision).toBe(1n);
    });

    it('any creates or appends', async () => {
      const s = `${prefix()}-a`;
      expect(
        (await store().appendToStream(s, [ev('A')], { expectedRevision: 'any' })).nextExpectedRevision,
      ).toBe(0n);
      expect(
        (await store().appendToStream(s, [ev('B')], { expectedRevision: 'any' })).nextExpectedRevision,
      ).toBe(1n);
    });

    it('appends several events atomically, in order, with dense revisions', async () => {
      const s = `${prefix()}-a`;
      await store().appendToStream(s, [ev('A')], { expectedRevision: 'no_stream' });
      const result = await store().appendToStream(s, [ev('B'), ev('C'), ev('D')], { expectedRevision: 0n });
      expect(result.nextExpectedRevision).toBe(3n);
      await expectConflict(store().appendToStream(s, [ev('X'), ev('Y')], { expectedRevision: 1n }), 1n, 3n);
      const events = await store().readStream(s);
      expect(events.map((e) => `${e.type}${e.revision}`)).toEqual(['A0', 'B1', 'C2', 'D3']);
      expectStrictlyIncreasing(events.map((e) => e.position));
      expect(events[3]!.position).toBe(result.position);
    });

    it('reads a stream from a revision, up to a count', async () => {
      const s = `${prefix()}-a`;
      await store().appendToStream(
        s,
        ['A', 'B', 'C', 'D'].map((t) => ev(t)),
        { expectedRevision: 'no_stream' },
      );
      const events = await store().readStream(s, { fromRevision: 1n, maxCount: 2 });
      expect(events.map((e) => e.type)).toEqual(['B', 'C']);
    });

    it('reads many whole streams at once, each in order; a missing one is empty', async () => {
      const [a, b, missing] = [`${prefix()}-a`, `${prefix()}-b`, `${prefix()}-none`];
      await store().appendToStream(a, [ev('A1'), ev('A2')], { expectedRevision: 'no_stream' });
      await store().appendToStream(b, [ev('B1')], { expectedRevision: 'no_stream' });
      await store().appendToStream(a, [ev('A3')], { expectedRevision: 1n });
      const read = await store().readStreams([b, missing, a]);
      expect([...read.keys()].sort()).toEqual([a, b, missing].sort());
      expect(read.get(a)!.map((e) => [e.type, e.revision])).toEqual([
        ['A1', 0n],
        ['A2', 1n],
        ['A3', 2n],
      ]);
      expect(read.get(b)!.map((e) => e.type)).toEqual(['B1']);
      expect(read.get(missing)).toEqual([]);
    });

    it('keeps event ids, metadata and the time recorded', async () => {
      const s = `${prefix()}-a`;
      const id = randomUUID();
      const before = Date.now();
      await store().appendToStream(s, [{ id, type: 'A', data: { n: 1 }, metadata: { commandId: 'c1' } }], {
        expectedRevision: 'no_stream',
      });
      const [event] = await store().readStream(s);
      expect(event).toMatchObject({
        id,
        streamId: s,
        type: 'A',
        data: { n: 1 },
        metadata: { commandId: 'c1' },
      });
      expect(event!.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    });
  });

  describe('concurrency', () => {
    it('50 appenders at the same revision: exactly one wins', async () => {
      const s = `${prefix()}-hot`;
      await store().appendToStream(s, [ev('Start')], { expectedRevision: 'no_stream' });
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          store().appendToStream(s, [ev('Try', { i })], { expectedRevision: 0n }),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      for (const r of lost)
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store().readStream(s)).toHaveLength(2);
    });

    it('50 appenders retrying on one stream: every revision won once, no gaps, no duplicates', async () => {
      const s = `${prefix()}-hot`;
      const perWriter = 4;
      const acknowledged: Array<{ id: string; revision: bigint }> = [];
      const writer = async (w: number) => {
        for (let n = 0; n < perWriter; n++) {
          const id = randomUUID();
          for (;;) {
            const current = await store().readStream(s);
            const expectedRevision =
              current.length === 0 ? ('no_stream' as const) : BigInt(current.length - 1);
            try {
              const r = await store().appendToStream(s, [{ id, type: 'W', data: { w, n } }], {
                expectedRevision,
              });
              acknowledged.push({ id, revision: r.nextExpectedRevision });
              break;
            } catch (error) {
              if (!(error instanceof WrongExpectedRevisionError)) throw error;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: 50 }, (_, w) => writer(w)));
      const events = await store().readStream(s);
      expect(events).toHaveLength(50 * perWriter);
      expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => BigInt(i)));
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
      const byId = new Map(events.map((e) => [e.id, e.revision]));
      for (const ack of acknowledged) expect(byId.get(ack.id)).toBe(ack.revision);
    });
  });

  describe('global log', () => {
    it('orders events across streams as they were appended', async () => {
      const p = prefix();
      const start = await store().headPosition();
      const order: string[] = [];
      for (let i = 0; i < 12; i++) {
        const s = `${p}-${i % 3}`;
        await store().appendToStream(s, [ev('E', { i })], { expectedRevision: 'any' });
        order.push(`${s}:${i}`);
      }
      const events = ofPrefix(p)(await store().readAll({ after: start, limit: 10_000 }));
      expect(events.map((e) => `${e.streamId}:${(e.data as { i: number }).i}`)).toEqual(order);
      expectStrictlyIncreasing(events.map((e) => e.position));
    });

    it('pages through the log with after and limit, and the head is the last position', async () => {
      const p = prefix();
      const start = await store().headPosition();
      let last = '';
      for (let i = 0; i < 7; i++) {
        last = (await store().appendToStream(`${p}-${i}`, [ev('E')], { expectedRevision: 'no_stream' }))
          .position;
      }
      // The head is what readers can see: a transaction in flight anywhere may hold it back briefly.
      let head = await store().headPosition();
      while (!head || head < last) {
        await new Promise((r) => setTimeout(r, 20));
        head = await store().headPosition();
      }
      const pages: RecordedEvent[] = [];
      let after = start;
      for (;;) {
        const page = await store().readAll({ after, limit: 3 });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(3);
        pages.push(...page);
        after = page[page.length - 1]!.position;
      }
      expect(ofPrefix(p)(pages)).toHaveLength(7);
      expect(pages[pages.length - 1]!.position).toBe(head);
    });

    it('keeps large and unicode payloads intact, and writes bigint values as strings', async () => {
      const s = `${prefix()}-big`;
      const unicode = 'Zürich ✓ 日本語 עברית 🚀👩🏽‍💻 \u200b\u202e \t "quoted" \\ back';
      const large = 'x'.repeat(1024 * 1024);
      await store().appendToStream(
        s,
        [
          ev('Unicode', { unicode, [unicode]: unicode }),
          ev('Large', { large }),
          ev('Big', { amount: 2n ** 70n }),
        ],
        { expectedRevision: 'no_stream' },
      );
      const events = await store().readStream(s);
      expect(events[0]!.data).toEqual({ unicode, [unicode]: unicode });
      expect((events[1]!.data as { large: string }).large).toHaveLength(large.length);
      expect(events[2]!.data).toEqual({ amount: (2n ** 70n).toString() });
    });

    it('reads a string no read model can store (a lone surrogate, NUL: logs from before the write side refused them) with U+FFFD, never failing', async () => {
      const s = `${prefix()}-unstorable`;
      await store().appendToStream(
        s,
        [{ ...ev('Old', { title: 'bad \ud800 x', ['k\u0000']: ['\udfff'] }), metadata: { note: 'n\u0000' } }],
        { expectedRevision: 'no_stream' },
      );
      const [read] = await store().readStream(s);
      expect(read!.data).toEqual({ title: 'bad \uFFFD x', ['k\uFFFD']: ['\uFFFD'] });
      expect(read!.metadata).toEqual({ note: 'n\uFFFD' });
      const [fromLog] = (await store().readAll({ limit: 100_000 })).filter((e) => e.streamId === s);
      expect(fromLog!.data).toEqual(read!.data);
    });
  });

  describe('subscriptions', () => {
    it('started before, during and after a burst of concurrent appends, each gets every event once, in order', async () => {
      const p = prefix();
      const start = await store().headPosition();
      const before = collector(store(), start);
      const writers = 20;
      const perWriter = 25;
      let during: ReturnType<typeof collector> | undefined;
      let appended = 0;
      let appendedWhenDuringStarted = -1;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let n = 0; n < perWriter; n++) {
            if (w === 0 && n === Math.floor(perWriter / 2)) {
              appendedWhenDuringStarted = appended;
              during = collector(store(), start);
            }
            await store().appendToStream(`${p}-${(w * perWriter + n) % 50}`, [ev('Burst', { w, n })], {
              expectedRevision: 'any',
            });
            appended++;
          }
        }),
      );
      const after = collector(store(), start);
      const total = writers * perWriter;
      const log = ofPrefix(p)(await store().readAll({ after: start, limit: 100_000 }));
      expect(log).toHaveLength(total);
      // The middle subscription really started while the burst was being written.
      expect(appendedWhenDuringStarted).toBeGreaterThan(0);
      expect(appendedWhenDuringStarted).toBeLessThan(total);
      try {
        for (const c of [before, during!, after]) {
          await c.until((events) => ofPrefix(p)(events).length >= total);
          const mine = ofPrefix(p)(c.received);
          expect(mine.map((e) => e.id)).toEqual(log.map((e) => e.id));
          expectStrictlyIncreasing(c.received.map((e) => e.position));
        }
        // Nothing more arrives later (no duplicates after the fact), while they still listen.
        await new Promise((r) => setTimeout(r, 300));
        for (const c of [before, during!, after]) expect(ofPrefix(p)(c.received)).toHaveLength(total);
      } finally {
        await Promise.all([before, during!, after].map((c) => c.subscription.stop()));
      }
    });

    it('resumes after a stored position', async () => {
      const s = `${prefix()}-resume`;
      await store().appendToStream(
        s,
        ['A', 'B', 'C', 'D'].map((t) => ev(t)),
        { expectedRevision: 'no_stream' },
      );
      const events = await store().readStream(s);
      const c = collector(store(), events[1]!.position);
      try {
        await c.until((received) => received.filter((e) => e.streamId === s).length >= 2);
        await new Promise((r) => setTimeout(r, 200));
        expect(c.received.filter((e) => e.streamId === s).map((e) => e.type)).toEqual(['C', 'D']);
      } finally {
        await c.subscription.stop();
      }
    });

    it('to some event types: only those, in order, past long runs of others, and live', async () => {
      const s = `${prefix()}-types`;
      const start = await store().headPosition();
      const types = ['Noise', 'Wanted', 'Noise', 'Noise', 'Other', ...Array(120).fill('Noise'), 'Wanted'];
      await store().appendToStream(
        s,
        types.map((t, i) => ev(t, { i })),
        { expectedRevision: 'no_stream' },
      );
      const received: RecordedEvent[] = [];
      let caughtUp = false;
      const subscription = store().subscribeToAll({
        after: start,
        batchSize: 7,
        eventTypes: ['Wanted', 'Other'],
        onEvents: async (events) => void received.push(...events),
        onCaughtUp: () => (caughtUp = true),
      });
      try {
        const mine = () => received.filter((e) => e.streamId === s);
        const deadline = Date.now() + 10_000;
        while ((mine().length < 3 || !caughtUp) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        expect(mine().map((e) => [e.type, (e.data as { i: number }).i])).toEqual([
          ['Wanted', 1],
          ['Other', 4],
          ['Wanted', 125],
        ]);
        expect(received.every((e) => e.type === 'Wanted' || e.type === 'Other')).toBe(true);
        await store().appendToStream(s, [ev('Noise'), ev('Wanted', { i: 'live' })], {
          expectedRevision: 125n,
        });
        while (mine().length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(mine().at(-1)).toMatchObject({ type: 'Wanted', data: { i: 'live' } });
      } finally {
        await subscription.stop();
      }
    });

    it('delivers live appends promptly after catching up', async () => {
      const s = `${prefix()}-live`;
      const c = collector(store(), await store().headPosition());
      try {
        await new Promise((r) => setTimeout(r, 100));
        const t0 = Date.now();
        await store().appendToStream(s, [ev('Live')], { expectedRevision: 'no_stream' });
        await c.until((received) => received.some((e) => e.streamId === s), 5000);
        expect(Date.now() - t0).toBeLessThan(1000);
      } finally {
        await c.subscription.stop();
      }
    });

    it('stops on a handler error and reports it, without skipping the failed events', async () => {
      const s = `${prefix()}-fail`;
      const start = await store().headPosition();
      await store().appendToStream(s, [ev('A'), ev('B')], { expectedRevision: 'no_stream' });
      const seen: string[] = [];
      const error = await new Promise<unknown>((resolve) => {
        store().subscribeToAll({
          after: start,
          batchSize: 1,
          onEvents: async (events) => {
            for (const e of events) if (e.streamId === s) seen.push(e.type);
            if (events.some((e) => e.streamId === s && e.type === 'B')) throw new Error('boom');
          },
          onError: resolve,
        });
      });
      expect((error as Error).message).toBe('boom');
      expect(seen).toEqual(['A', 'B']);
      // A new subscription from the last good position gets the failed event again.
      const retry = collector(store(), (await store().readStream(s))[0]!.position);
      try {
        await retry.until((received) => received.some((e) => e.streamId === s));
        expect(retry.received.filter((e) => e.streamId === s).map((e) => e.type)).toEqual(['B']);
      } finally {
        await retry.subscription.stop();
      }
    });

    if (fixture.appendInOpenTransaction) {
      const appendInOpenTransaction = fixture.appendInOpenTransaction;
      it('never skips an event whose transaction commits after a later one', async () => {
        const p = prefix();
        const start = await store().headPosition();
        const c = collector(store(), start);
        try {
          const early = await appendInOpenTransaction(`${p}-early`, ev('Early'));
          await store().appendToStream(`${p}-late`, [ev('Late')], { expectedRevision: 'no_stream' });
          // Give the subscriber every chance to run ahead of the open transaction.
          await new Promise((r) => setTimeout(r, 300));
          expect(ofPrefix(p)(c.received)).toEqual([]);
          await early.commit();
          await c.until((events) => ofPrefix(p)(events).length >= 2);
          expect(ofPrefix(p)(c.received).map((e) => e.type)).toEqual(['Early', 'Late']);
          const log = ofPrefix(p)(await store().readAll({ after: start, limit: 1000 }));
          expect(log.map((e) => e.type)).toEqual(['Early', 'Late']);
        } finally {
          await c.subscription.stop();
        }
      });
    }
  });
}
