import { getStreamCommands } from '../../src/commands';
import { getInMemoryEventStore } from '../../src/events';
import { userStreamId, userStreamType, type WatchCommand } from '../../src/watching';
import { at } from '../support/auctionFixtures';

const watch = (
  auctionId: string,
  type: 'WatchAuction' | 'UnwatchAuction' = 'WatchAuction',
): WatchCommand => ({
  type,
  data: { auctionId },
  now: at(0),
});

describe('the one command handler of plain streams, on the in-memory event store', () => {
  it('folds the stream, decides, appends with the expected revision and says where it stands', async () => {
    const store = getInMemoryEventStore();
    const stream = userStreamId('u1');
    const first = await getStreamCommands(store).handle(userStreamType, stream, watch('a1'), {
      userId: 'u1',
    });
    expect(first.events).toEqual([
      { type: 'AuctionWatched', data: { auctionId: 'a1', watchedAt: at(0).toISOString() } },
    ]);
    expect(first.revision).toBe(0n);
    expect([...first.state.auctions]).toEqual(['a1']);
    const again = await getStreamCommands(store).handle(userStreamType, stream, watch('a1'), {
      userId: 'u1',
    });
    expect(again.events).toEqual([]); // nothing to record, nothing appended
    expect(again.position).toBe(first.position); // the stream's last position, for X-Min-Position
    const recorded = await store.readStream(stream);
    expect(recorded.map((e) => [e.type, e.metadata])).toEqual([['AuctionWatched', { userId: 'u1' }]]);
  });

  it('decides again on a conflict: concurrent commands on one stream all land, once each, in order', async () => {
    const store = getInMemoryEventStore();
    const stream = userStreamId('u2');
    const ids = Array.from({ length: 20 }, (_, i) => `a${i}`);
    // One handler (in turn in this process) and two more, as other instances (met by the revision).
    const handlers = [getStreamCommands(store), getStreamCommands(store), getStreamCommands(store)];
    await Promise.all(ids.map((id, i) => handlers[i % 3]!.handle(userStreamType, stream, watch(id), {})));
    const recorded = await store.readStream(stream);
    expect(recorded.map((e) => e.revision)).toEqual(ids.map((_, i) => BigInt(i)));
    expect(new Set(recorded.map((e) => (e.data as { auctionId: string }).auctionId))).toEqual(new Set(ids));
  });

  it('skips events of the stream its decider does not know (read, not folded)', async () => {
    const store = getInMemoryEventStore();
    const stream = userStreamId('u3');
    await store.appendToStream(stream, [{ type: 'SomethingLater', data: {} }], {
      expectedRevision: 'no_stream',
    });
    const outcome = await getStreamCommands(store).handle(userStreamType, stream, watch('a1'), {});
    expect(outcome.revision).toBe(1n);
  });
});
