/**
 * The live page's pure rules (web/src): formatting, the bid box's suggestion as the price moves
 * (issue #26, bug 1), the result line as the auction goes on (bug 2), one formatted sentence for
 * a too-low bid (bug 3), quick bids and the increment.
 */
import { countdown, endsAtText, plural, problemText, reserveText, toMinor } from '../../web/src/format';
import { bidIncrement, quickBids, resultLine, suggestedAmount } from '../../web/src/views/bidding';
import { aliasesOf, bidderName } from '../../web/src/views/aliases';
import type { AuctionView } from '../../web/src/types';

const view = (overrides: Partial<AuctionView> = {}): AuctionView => ({
  auctionId: '00000000-0000-4000-8000-000000000001',
  sellerId: '00000000-0000-4000-8000-000000000002',
  title: 'Clock',
  description: '',
  currency: 'EUR',
  startingPrice: 1000,
  minIncrement: null,
  increments: null,
  saleId: null,
  format: 'english',
  dutch: null,
  buyNowPrice: null,
  lotNumber: null,
  currentPrice: 1000,
  minimumBid: 1050,
  leadingBidderId: 'me',
  bidCount: 1,
  reserveMet: null,
  myMaxAmount: null,
  startsAt: '2026-01-01T10:00:00.000Z',
  endsAt: '2026-01-01T11:00:00.000Z',
  status: 'open',
  outcome: null,
  winnerId: null,
  finalPrice: null,
  photos: [],
  revision: 1,
  ...overrides,
});

describe('the bid box follows the minimum (bug 1)', () => {
  it('moves to the new minimum when untouched', () => {
    expect(suggestedAmount({ text: '10.00', edited: false, focused: false }, 1150)).toBe('11.50');
  });
  it('keeps what the person is typing', () => {
    expect(suggestedAmount({ text: '9', edited: true, focused: true }, 1150)).toBe('9');
  });
  it('keeps a typed amount that is still enough, and replaces one that no longer is', () => {
    expect(suggestedAmount({ text: '20', edited: true, focused: false }, 1150)).toBe('20');
    expect(suggestedAmount({ text: '11', edited: true, focused: false }, 1150)).toBe('11.50');
  });
  it('leaves the box alone once bidding is over', () => {
    expect(suggestedAmount({ text: '11', edited: false, focused: false }, null)).toBe('11');
  });
});

describe('the result line as the auction goes on (bug 2)', () => {
  const leading = { kind: 'leading' as const, price: 1000 };
  it('says you lead while you do', () => {
    expect(resultLine(leading, view(), 'me')?.text).toMatch(/^You lead at €10\.00\.$/);
  });
  it('says you were outbid once another bidder leads', () => {
    const now = view({ leadingBidderId: 'other', currentPrice: 1150 });
    expect(resultLine(leading, now, 'me')?.text).toBe('You have been outbid: the price is now €11.50.');
  });
  it('says nothing after the close (the outcome says it)', () => {
    expect(resultLine(leading, view({ status: 'closed', leadingBidderId: 'other' }), 'me')).toBeUndefined();
  });
  it('keeps a refusal as it was', () => {
    expect(resultLine({ kind: 'refused', text: 'No.' }, view(), 'me')).toEqual({ text: 'No.', error: true });
  });
});

describe('one sentence for a refusal (bug 3)', () => {
  it('names the minimum bid in money, once, without the minor units of the detail', () => {
    const problem = {
      code: 'BID_TOO_LOW',
      title: 'Bid too low',
      status: 422,
      detail: 'The minimum bid is 4100',
      minimumBid: 4100,
    };
    const text = problemText(problem as never, 'EUR');
    expect(text).toBe('Too low: the minimum bid is €41.00.');
    expect(text).not.toContain('4100');
  });
  it('lists field errors without the body. prefix', () => {
    const problem = { code: 'VALIDATION_FAILED', errors: [{ field: 'body.title', message: 'is required' }] };
    expect(problemText(problem as never)).toBe('title is required');
  });
});

describe('quick bids and the increment', () => {
  it('offers the minimum and one increment above it, by the ladder', () => {
    expect(quickBids(view({ minimumBid: 1050 }))).toEqual([1050, 1100]);
    // 2,500 is a step of the ladder: from there the increment is 1.00
    expect(quickBids(view({ minimumBid: 2500 }))).toEqual([2500, 2600]);
    expect(quickBids(view({ minimumBid: 1050, minIncrement: 200 }))).toEqual([1050, 1250]);
    expect(quickBids(view({ status: 'closed', minimumBid: null }))).toEqual([]);
  });
  it("follows the auction's increment table, band by band", () => {
    const increments = [
      { from: 0, increment: 50 },
      { from: 2000, increment: 200 },
    ];
    expect(quickBids(view({ minimumBid: 1950, increments }))).toEqual([1950, 2000]);
    expect(quickBids(view({ minimumBid: 2000, increments }))).toEqual([2000, 2200]);
    expect(bidIncrement(view({ currentPrice: 2400, increments }))).toBe(200);
  });
  it('shows the increment at the current price', () => {
    expect(bidIncrement(view({ currentPrice: 1000 }))).toBe(50);
    expect(bidIncrement(view({ currentPrice: null, startingPrice: 30_000 }))).toBe(500);
  });
});

describe('formatting', () => {
  it('counts in words', () => {
    expect(plural(1, 'auction')).toBe('1 auction');
    expect(plural(2, 'auction')).toBe('2 auctions');
    expect(plural(0, 'bid')).toBe('0 bids');
  });
  it('counts down on the given clock and names the outcome after the close', () => {
    const now = Date.parse('2026-01-01T10:59:30.000Z');
    expect(countdown(view(), now)).toBe('00:00:30');
    expect(countdown(view({ status: 'closed', outcome: 'sold', finalPrice: 1200 }), now)).toBe(
      'sold for €12.00',
    );
  });
  it("shows the end in the viewer's zone, naming it", () => {
    expect(endsAtText('2026-01-01T11:00:00.000Z', 'Asia/Tokyo')).toMatch(/(08:00 PM|20:00) GMT\+9/);
    expect(endsAtText('2026-01-01T11:00:00.000Z', 'UTC')).toMatch(/11:00( AM)? UTC/);
  });
  it('tells everyone whether the reserve is met, never its amount', () => {
    expect(reserveText({ reserveMet: true })).toBe('Reserve met');
    expect(reserveText({ reserveMet: false })).toBe('Reserve not met');
    expect(reserveText({ reserveMet: null })).toBe('No reserve');
  });
  it('reads amounts in major units', () => {
    expect(toMinor('11.5')).toBe(1150);
    expect(toMinor('')).toBeNaN();
  });
});

describe('bidders by alias', () => {
  it('numbers bidders by their first bid, whatever order the bids come in, and names the viewer "you"', () => {
    const bids = [
      { bidderId: 'c', revision: 5 },
      { bidderId: 'a', revision: 1 },
      { bidderId: 'b', revision: 2 },
      { bidderId: 'a', revision: 3 },
    ];
    const aliases = aliasesOf(bids);
    expect([...aliases]).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect(bidderName(aliases, 'b', 'a')).toBe('Bidder 2');
    expect(bidderName(aliases, 'a', 'a')).toBe('you');
    expect(bidderName(aliases, null, 'a')).toBe('—');
    expect(bidderName(aliases, 'z', 'a')).toBe('another bidder');
  });
});
