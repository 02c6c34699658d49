import { foldFacts, replayUnderRules } from '../../src/analytics';
import { decide, evolveAll, type AuctionCommand, type AuctionEvent } from '../../src/auction';
import type { RecordedEvent } from '../../src/events';
import { at, auctionCreated, iso } from '../support/auctionFixtures';

/** What-if and the summary's facts, given a stream made by the decider, and nothing else. */
const record = (events: AuctionEvent[]): RecordedEvent[] =>
  events.map((e, i) => ({
    id: `e${i}`,
    streamId: 'auction-a1',
    revision: BigInt(i),
    position: String(i).padStart(8, '0'),
    type: e.type,
    data: e.data,
    metadata: {},
    recordedAt: at(i),
  }));

function stream(created: AuctionEvent, commands: AuctionCommand[]): RecordedEvent[] {
  const events: AuctionEvent[] = [created];
  for (const command of commands) events.push(...decide(command, evolveAll(events)));
  return record(events);
}
const bid = (bidderId: string, amount: number, seconds: number, maxAmount?: number): AuctionCommand => ({
  type: 'PlaceBid',
  now: at(seconds),
  data: {
    bidId: `b${seconds}`,
    autoBidId: `a${seconds}`,
    bidderId,
    amount,
    ...(maxAmount ? { maxAmount } : {}),
  },
});
const close = (seconds: number): AuctionCommand => ({ type: 'CloseAuction', now: at(seconds) });

// The proxy example of the brief (increment 100): C wins at 9000.
const example = stream(auctionCreated(), [
  bid('A', 1000, 10, 5000),
  bid('B', 2000, 20),
  bid('B', 6000, 30),
  bid('C', 6100, 40, 9000),
  bid('D', 6200, 50, 9000),
  close(3600),
]);

describe('what-if', () => {
  it('as the auction was: nothing changes', () => {
    const item = replayUnderRules(example, {})!;
    expect(item.actual).toEqual({ outcome: 'sold', winnerId: 'C', finalPrice: 9000, endsAt: iso(3600) });
    expect(item.whatIf).toEqual(item.actual);
    expect(item.changed).toBe(false);
  });

  it('a lot bought now is bought again at its time, and bids after it are not made', () => {
    const bought = stream(auctionCreated({ buyNowPrice: 7000 }), [
      { type: 'BuyNow', now: at(15), data: { bidId: 'buy', buyerId: 'E' } },
    ]);
    const item = replayUnderRules(bought, { proxyBidding: false, minIncrement: 'ladder' })!;
    expect(item.actual).toEqual({ outcome: 'sold', winnerId: 'E', finalPrice: 7000, endsAt: iso(3600) });
    expect(item.whatIf).toEqual(item.actual);
  });

  it('without proxy bidding the winner and the price change: D at 6200', () => {
    const item = replayUnderRules(example, { proxyBidding: false })!;
    expect(item.whatIf).toEqual({ outcome: 'sold', winnerId: 'D', finalPrice: 6200, endsAt: iso(3600) });
    expect(item.changed).toBe(true);
  });

  it('a larger fixed increment refuses the bids it makes too low', () => {
    // With 2000 a step: A 1000; B's 2000 is below A's ceiling and answered at 4000; B's 6000 leads
    // (A's ceiling 5000 is passed); C's 6100 is below the minimum of 8000 and refused; D's too.
    const item = replayUnderRules(example, { minIncrement: 2000 })!;
    expect(item.whatIf).toMatchObject({ outcome: 'sold', winnerId: 'B', finalPrice: 6000 });
  });

  it('soft close on: a bid in the last window moves the end', () => {
    const late = stream(auctionCreated(), [bid('A', 1000, 3590), close(3600)]);
    const item = replayUnderRules(late, { softClose: { windowSeconds: 60, extensionSeconds: 60 } })!;
    expect(item.actual.endsAt).toBe(iso(3600));
    expect(item.whatIf).toEqual({ outcome: 'sold', winnerId: 'A', finalPrice: 1000, endsAt: iso(3650) });
  });

  it('reads a log of the old shape (a leader raising their ceiling was a plain BidPlaced)', () => {
    const placed = (bidderId: string, amount: number, s: number): AuctionEvent => ({
      type: 'BidPlaced',
      data: { bidId: `o${s}`, bidderId, amount, auto: false, placedAt: iso(s) },
    });
    const events = [auctionCreated(), placed('A', 1000, 10), placed('B', 1100, 20), placed('B', 1500, 30)];
    // Closed as the code of the time decided it: B's own second bid had not raised the price.
    const closed: AuctionEvent = {
      type: 'AuctionClosed',
      data: { outcome: 'sold', winnerId: 'B', finalPrice: 1100, closedAt: iso(3600) },
    };
    const item = replayUnderRules(record([...events, closed]), { proxyBidding: false })!;
    expect(item.actual).toMatchObject({ winnerId: 'B', finalPrice: 1100 });
    expect(item.whatIf).toMatchObject({ winnerId: 'B', finalPrice: 1100 });
  });

  it('an auction that did not close is not replayed', () => {
    expect(replayUnderRules(example.slice(0, 3), {})).toBeUndefined();
  });
});

describe('the summary facts', () => {
  it('counts bids, automatic bids, late bids (by the end as it stood then) and extensions, once', () => {
    const soft = auctionCreated({ softClose: { windowSeconds: 120, extensionSeconds: 120 } });
    const events = stream(soft, [bid('A', 1000, 10, 5000), bid('B', 2000, 3550), close(3700)]);
    const facts = foldFacts(new Map(), events).get('a1')!;
    // B's 2000 at 3550 (end 3600: late) is answered by A at 2100 (late), extending to 3670.
    expect(facts).toMatchObject({ bids: 3, autoBids: 1, lateBids: 2, extensions: 1, status: 'closed' });
    expect(facts.bidders.sort()).toEqual(['A', 'B']);
    expect(foldFacts(new Map([['a1', facts]]), events).size).toBe(0); // a replayed batch counts nothing
  });
});
