import { evolveAll, type AuctionCommand, type AuctionEvent } from '../../src/auction';
import {
  IdempotencyKeyReusedError,
  decideBatch,
  settleBatch,
  type CommandEnvelope,
  type LoadedAuction,
} from '../../src/commands';
import { at, auctionCreated } from '../support/auctionFixtures';

const createdEvent = auctionCreated();

let seq = 0;
const bid = (bidderId: string, amount: number, key?: string): CommandEnvelope => {
  seq++;
  const command: AuctionCommand = {
    type: 'PlaceBid',
    now: at(60),
    data: { bidId: `bid-${seq}`, autoBidId: `auto-${seq}`, bidderId, amount },
  };
  return {
    auctionId: 'a1',
    command,
    userId: bidderId,
    correlationId: `corr-${seq}`,
    ...(key ? { idempotencyKey: key, requestHash: `hash-of-${amount}` } : {}),
  };
};

/** Ids are injected: the decision is a pure function of the auction, the batch and these. */
const ids = () => {
  let n = 0;
  return { appendId: 'append-1', commandId: () => `cmd-${++n}` };
};

/** given(the stream's events).when(a batch) -> the decision, and what each command is answered once appended at `position`. */
function given(history: AuctionEvent[]) {
  const loaded: LoadedAuction = {
    state: evolveAll(history),
    revision: history.length ? BigInt(history.length - 1) : 'no_stream',
    idempotency: new Map(),
  };
  return {
    loaded,
    when(batch: CommandEnvelope[]) {
      const decided = decideBatch(loaded, batch, ids());
      const appended = decided.newEvents.length
        ? {
            position: 'P1',
            nextExpectedRevision:
              (loaded.revision === 'no_stream' ? -1n : loaded.revision) + BigInt(decided.newEvents.length),
          }
        : undefined;
      return { decided, ...settleBatch(loaded, decided, appended) };
    },
  };
}

describe('decideBatch: a batch of commands decided in order, in one append', () => {
  it('decides each command against the state the ones before it produced', () => {
    const { decided, answers } = given([createdEvent]).when([bid('alice', 1000), bid('bob', 1100)]);
    expect(decided.newEvents.map((e) => (e.data as { bidderId: string }).bidderId)).toEqual(['alice', 'bob']);
    expect(answers).toEqual([
      {
        reply: expect.objectContaining({
          revision: 1,
          status: 'leading',
          currentPrice: 1000,
          position: 'P1',
        }),
      },
      {
        reply: expect.objectContaining({
          revision: 2,
          status: 'leading',
          currentPrice: 1100,
          leadingBidderId: 'bob',
        }),
      },
    ]);
  });

  it('refuses a bid below the minimum the earlier bid of the batch set, and still accepts the rest', () => {
    const { answers, decided } = given([createdEvent]).when([
      bid('alice', 1000),
      bid('bob', 1000),
      bid('carol', 1100),
    ]);
    expect(decided.newEvents).toHaveLength(2);
    expect((answers[1] as { error: { code: string } }).error.code).toBe('BID_TOO_LOW');
    expect(answers[2]).toEqual({ reply: expect.objectContaining({ revision: 2, leadingBidderId: 'carol' }) });
  });

  it('stamps every event with its command id, the append id and the idempotency key', () => {
    const { decided } = given([createdEvent]).when([bid('alice', 1000, 'k1'), bid('bob', 1100)]);
    expect(decided.newEvents.map((e) => e.metadata)).toEqual([
      expect.objectContaining({
        commandId: 'cmd-1',
        appendId: 'append-1',
        idempotencyKey: 'k1',
        requestHash: 'hash-of-1000',
      }),
      expect.objectContaining({ commandId: 'cmd-2', appendId: 'append-1', userId: 'bob' }),
    ]);
    expect(decided.newEvents[1]!.metadata).not.toHaveProperty('idempotencyKey');
  });

  it('answers a key repeated with the same body in one batch with the first reply, recording it once', () => {
    const first = bid('alice', 1000, 'k1');
    const { decided, answers } = given([createdEvent]).when([first, { ...first, correlationId: 'retry' }]);
    expect(decided.newEvents).toHaveLength(1);
    expect(answers[1]).toEqual({ ...answers[0], replayed: true });
    expect(answers[0]).not.toHaveProperty('replayed');
  });

  it('refuses a key repeated with another body, in the batch or in the stream', () => {
    const { answers } = given([createdEvent]).when([bid('alice', 1000, 'k1'), bid('alice', 1200, 'k1')]);
    expect((answers[1] as { error: unknown }).error).toBeInstanceOf(IdempotencyKeyReusedError);

    const g = given([createdEvent]);
    const settled = g.when([bid('alice', 1000, 'k2')]);
    const later = decideBatch(settled.loaded, [bid('alice', 1300, 'k2')], ids());
    expect(later.newEvents).toHaveLength(0);
    expect(settleBatch(settled.loaded, later).answers[0]).toEqual({
      error: expect.any(IdempotencyKeyReusedError),
    });
  });

  it('replays a key the stream already answered, with nothing new to append', () => {
    const envelope = bid('alice', 1000, 'k3');
    const first = given([createdEvent]).when([envelope]);
    const again = decideBatch(first.loaded, [{ ...envelope, correlationId: 'retry' }], ids());
    expect(again.newEvents).toEqual([]);
    expect(settleBatch(first.loaded, again).answers).toEqual(
      first.answers.map((a) => ({ ...a, replayed: true })),
    );
  });

  it('moves the auction to the appended revision and keeps its state', () => {
    const { loaded } = given([createdEvent]).when([bid('alice', 1000), bid('bob', 1100)]);
    expect(loaded.revision).toBe(2n);
    expect(loaded.state).toMatchObject({ currentPrice: 1100, bidCount: 2 });
  });

  it('leaves the auction as it was when every command was refused', () => {
    const g = given([createdEvent]);
    const { loaded, decided } = g.when([bid('seller', 1000)]);
    expect(decided.newEvents).toEqual([]);
    expect(loaded).toBe(g.loaded);
  });
});
