import { foldFacts, type AuctionFacts } from '../../src/analytics/auctionFacts';
import { recordedAuction } from '../support/auctionFixtures';

const auctionId = '01a21391-7709-77fd-abdf-7473c4fa8887';
const bidders = ['01a21391-761e-7214-a1d1-ad475e76d21e', '01a21391-761e-7214-a1d1-ad475e76d21f'];
const { created, bid } = recordedAuction(auctionId);
const events = [
  created,
  // the last three in the final minute
  ...Array.from({ length: 8 }, (_, i) =>
    bid(
      i + 1,
      200 + i * 20,
      i < 5 ? '2026-11-25T17:00:00.000Z' : '2026-11-25T17:59:30.000Z',
      bidders[i % 2]!,
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
