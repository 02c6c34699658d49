import { randomUUID } from 'node:crypto';
import { auctionStreamId, foldAuction, type AuctionCommand } from '../../src/auction';
import { getCommandHandler, type CommandEnvelope } from '../../src/commands';
import { getInMemoryEventStore } from '../../src/events';

// The handler's logic (lanes, batches, conflicts between instances, idempotency) on the
// in-memory store, which passes the same contract suite as the real adapters.
describe('command handler on the in-memory event store', () => {
  const now = () => new Date();
  const create = (auctionId: string): CommandEnvelope => ({
    auctionId,
    userId: 'seller',
    correlationId: randomUUID(),
    command: {
      type: 'CreateAuction',
      now: now(),
      data: {
        auctionId,
        sellerId: 'seller',
        title: 'Lamp',
        description: '',
        currency: 'EUR',
        startingPrice: 100,
        reservePrice: null,
        minIncrement: 1,
        startsAt: new Date(Date.now() - 1000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        softClose: null,
      },
    },
  });
  const bid = (auctionId: string, bidderId: string, amount: number, key?: string): CommandEnvelope => {
    const command: AuctionCommand = {
      type: 'PlaceBid',
      now: now(),
      data: { bidId: randomUUID(), autoBidId: randomUUID(), bidderId, amount },
    };
    return {
      auctionId,
      userId: bidderId,
      correlationId: randomUUID(),
      command,
      ...(key ? { idempotencyKey: key, requestHash: `h${amount}` } : {}),
    };
  };

  it('two instances bidding on one auction: every accepted bid is in the stream once, revisions dense', async () => {
    const store = getInMemoryEventStore();
    const [one, two] = [getCommandHandler({ eventStore: store }), getCommandHandler({ eventStore: store })];
    const auctionId = randomUUID();
    await one.handle(create(auctionId));
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? one : two).handle(bid(auctionId, `bidder-${i % 5}`, 100 + i)),
      ),
    );
    const accepted = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
    const stream = await store.readStream(auctionStreamId(auctionId));
    expect(stream.map((e) => Number(e.revision))).toEqual(stream.map((_, i) => i));
    const bidIds = stream
      .filter((e) => e.type === 'BidPlaced')
      .map((e) => (e.data as { bidId: string }).bidId);
    expect(new Set(bidIds).size).toBe(bidIds.length);
    for (const reply of accepted) expect(bidIds).toContain(reply.bidId);
    // Refusals are rule refusals (a bid below the minimum), never lost writes.
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('BID_TOO_LOW');
    expect(foldAuction(stream).state).toMatchObject({ bidCount: bidIds.length });
  });

  it('a retry with the same key on another instance gets the first reply and records nothing new', async () => {
    const store = getInMemoryEventStore();
    const auctionId = randomUUID();
    await getCommandHandler({ eventStore: store }).handle(create(auctionId));
    const first = await getCommandHandler({ eventStore: store }).handle(
      bid(auctionId, 'alice', 150, 'key-1'),
    );
    const retry = await getCommandHandler({ eventStore: store }).handle(
      bid(auctionId, 'alice', 150, 'key-1'),
    );
    expect(retry).toEqual({ ...first, replayed: true });
    expect(first).not.toHaveProperty('replayed');
    expect(await store.readStream(auctionStreamId(auctionId))).toHaveLength(2);
  });

  it('idle() resolves once every queued command is answered', async () => {
    const store = getInMemoryEventStore();
    const handler = getCommandHandler({ eventStore: store });
    const auctionId = randomUUID();
    const answered: number[] = [];
    void handler.handle(create(auctionId)).then(() => answered.push(0));
    for (let i = 1; i <= 5; i++)
      void handler.handle(bid(auctionId, 'bob', 100 + i)).then(() => answered.push(i));
    await handler.idle();
    expect(answered).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
