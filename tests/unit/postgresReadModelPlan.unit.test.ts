/**
 * A read model row must not depend on how the log was cut into batches: the chaos run found
 * `user_bids.last_bid_at` taking the last bid in log order within a batch (a rebuild is one big
 * batch) but the latest across batches. Bids from two instances are appended out of their
 * placedAt order.
 */
import { foldStep } from '../../src/auction';
import { foldAuctions, sharedFoldStep } from '../../src/auction/auctionStates';
import { planBatch } from '../../src/projections/auction/postgresReadModel';
import { recordedAuction } from '../support/auctionFixtures';

const auctionId = '01a21391-7709-77fd-abdf-7473c4fa8887';
const bidderId = '01a21391-761e-7214-a1d1-ad475e76d21e';
const { created, bid: bidBy } = recordedAuction(auctionId);
const bid = (revision: number, amount: number, placedAt: string, by = bidderId) =>
  bidBy(revision, amount, placedAt, by);
const otherBidder = '01a21391-761e-7214-a1d1-ad475e76d21f';

describe('the PostgreSQL read model plan', () => {
  it('keeps the latest placedAt of a user on an auction, whatever the order in the batch', () => {
    // Appended second, placed first: the other instance's command was decided earlier.
    const events = [
      created,
      bid(1, 200, '2026-11-25T16:37:33.209Z'),
      bid(2, 250, '2026-11-25T16:37:33.206Z', otherBidder),
      bid(3, 300, '2026-11-25T16:37:33.204Z'),
    ];
    const { userBidRows } = planBatch(new Map(), events);
    expect(userBidRows.filter((r) => r.user_id === bidderId)).toEqual([
      {
        user_id: bidderId,
        auction_id: auctionId,
        my_highest_bid: 300,
        last_bid_at: '2026-11-25T16:37:33.209Z',
      },
    ]);
  });
});

describe('the shared fold of a thread’s projections', () => {
  it('folds an event once for every projection that holds the same state, and afresh from any other', () => {
    const events = [
      created,
      bid(1, 200, '2026-11-25T16:37:33.209Z'),
      bid(2, 250, '2026-11-25T16:37:33.300Z', otherBidder),
    ];
    const first = foldAuctions(new Map(), events);
    const second = foldAuctions(new Map(), events); // another projection, the same batch
    expect(second.auctions.get(auctionId)!.state).toBe(first.auctions.get(auctionId)!.state);
    // Its own planning (the notifications' and analytics' folds go through the same step).
    const start = first.changed.get(auctionId)![0]!.state;
    expect(sharedFoldStep(start, events[1]!).state).toBe(first.changed.get(auctionId)![1]!.state);

    // A state read back from a store is another object: folded again, to an equal state.
    const readBack = JSON.parse(JSON.stringify(start)) as typeof start;
    const again = sharedFoldStep(readBack, events[1]!);
    expect(again.state).not.toBe(first.changed.get(auctionId)![1]!.state);
    expect(again.state).toEqual(first.changed.get(auctionId)![1]!.state);
    expect(again.state).toEqual(foldStep(readBack, events[1]!).state);
  });
});
