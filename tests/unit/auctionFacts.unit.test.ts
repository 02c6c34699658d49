import type { RecordedEvent } from '../../src/events';
import { foldFacts, type AuctionFacts } from '../../src/analytics/auctionFacts';

const auctionId = '01a21391-7709-77fd-abdf-7473c4fa8887';
const bidders = ['01a21391-761e-7214-a1d1-ad475e76d21e', '01a21391-761e-7214-a1d1-ad475e76d21f'];
const recorded = (type: string, data: object, revision: number): RecordedEvent => ({
  id: `e${revision}`,
  streamId: `auction-${auctionId}`,
  revision: BigInt(revision),
  position: String(revision + 1).padStart(20, '0'),
  type,
  data,
  metadata: {} as RecordedEvent['metadata'],
  recordedAt: new Date('2026-11-25T17:59:30.000Z'),
});
const events = [
  recorded(
    'AuctionCreated',
    {
      auctionId,
      sellerId: '01a21391-0000-7000-8000-000000000000',
      title: 'Lamp',
      description: '',
      currency: 'EUR',
      startingPrice: 100,
      reservePrice: null,
      minIncrement: 10,
      startsAt: '2026-11-25T16:00:00.000Z',
      endsAt: '2026-11-25T18:00:00.000Z',
      softClose: null,
      createdAt: '2026-11-25T16:00:00.000Z',
    },
    0,
  ),
  ...Array.from({ length: 8 }, (_, i) =>
    recorded(
      'BidPlaced',
      {
        bidId: `0000000${i}-0000-4000-8000-000000000000`,
        bidderId: bidders[i % 2],
        amount: 200 + i * 20,
        auto: false,
        // the last three in the final minute
        placedAt: i < 5 ? '2026-11-25T17:00:00.000Z' : '2026-11-25T17:59:30.000Z',
      },
      i + 1,
    ),
  ),
];

describe('the analytics facts fold', () => {
  it('gives the same facts however the log is cut into batches, and never changes the facts it starts from', () => {
    const whole = foldFacts(new Map(), events).get(auctionId)!;
    expect(whole).toMatchObject({ bids: 8, lateBids: 3, revision: 8, bidders });
    for (let cut = 1; cut < events.length; cut++) {
      const first = foldFacts(new Map(), events.slice(0, cut));
      const held = structuredClone(first.get(auctionId)) as AuctionFacts;
      const second = foldFacts(first, events.slice(cut));
      expect(second.get(auctionId)).toEqual(whole);
      expect(first.get(auctionId)).toEqual(held); // what a batch starts from is left as it was
    }
  });
});
