import { renderStoredView } from '../../src/projections';
import { getHotViews } from '../../src/read-api/auction/hotViews';

const P = (n: number) => `${String(n).padStart(20, '0')}-${String(n).padStart(20, '0')}`;
const entry = (revision: number, position: string) => ({
  viewJson: `{"revision":${revision},"status":"open"}`,
  sellerId: 's',
  reserve: 500,
  leader: 'l',
  ceiling: 900,
  revision,
  position,
});
const change = (auctionId: string, revision: number, position: string) => ({
  position,
  auctions: [
    {
      auctionId,
      revision,
      viewJson: `{"revision":${revision},"status":"open"}`,
      sellerId: 's',
      reserve: 500,
      leader: 'l',
      ceiling: 900,
      events: [],
    },
  ],
});

describe('hotViews', () => {
  it('serves a stored entry as current at the feed position, and updates it from the feed', () => {
    const hot = getHotViews();
    hot.set('a', entry(1, P(10)), 0);
    expect(hot.get('a', 1)).toMatchObject({ position: P(10), view: { revision: 1 } });
    hot.apply(change('b', 4, P(12)), 2); // another auction moves the feed on
    expect(hot.get('a', 3)?.position).toBe(P(12));
    hot.apply(change('a', 2, P(13)), 4);
    expect(hot.get('a', 5)).toMatchObject({ position: P(13), view: { revision: 2 } });
  });

  it('does not keep a view read before a change the feed already delivered', () => {
    const hot = getHotViews();
    hot.apply(change('a', 2, P(13)), 0); // 'a' not cached: dropped
    hot.set('a', entry(1, P(10)), 1); // read from Redis before that change
    expect(hot.get('a', 2)).toBeUndefined();
  });

  it('forgets everything when the feed resets, and entries older than the ttl', () => {
    const hot = getHotViews({ ttlMs: 100 });
    hot.set('a', entry(1, P(10)), 0);
    hot.reset();
    expect(hot.get('a', 1)).toBeUndefined();
    hot.set('a', entry(1, P(10)), 0);
    expect(hot.get('a', 101)).toBeUndefined();
  });

  it('never moves an entry back to an older revision', () => {
    const hot = getHotViews();
    hot.set('a', entry(5, P(10)), 0);
    hot.apply(change('a', 4, P(11)), 1);
    expect(hot.get('a', 2)?.view.revision).toBe(5);
  });
});

describe('renderStoredView', () => {
  const stored = {
    viewJson: '{"status":"open","startsAt":"2026-01-01T00:00:00.000Z"}',
    sellerId: 's',
    reserve: 700,
    leader: 'l',
    ceiling: 900,
  };
  it('sends the stored JSON untouched to anyone but the seller and the leader', () => {
    expect(renderStoredView(stored, 'someone', 0)).toBe(stored.viewJson);
    expect(renderStoredView(stored, undefined, 0)).toBe(stored.viewJson);
  });
  it('adds the reserve for the seller, and only for the seller', () => {
    expect(renderStoredView(stored, 's', 0)).toMatchObject({ reservePrice: 700 });
    expect(renderStoredView(stored, 'l', 0)).not.toHaveProperty('reservePrice');
  });
  it("adds the leader's own ceiling for the leader, and only for the leader", () => {
    expect(renderStoredView(stored, 'l', 0)).toMatchObject({ myMaxAmount: 900 });
    expect(renderStoredView(stored, 's', 0)).not.toHaveProperty('myMaxAmount', 900);
  });
  it('opens a scheduled auction whose start has passed', () => {
    const scheduled = { ...stored, viewJson: '{"status":"scheduled","startsAt":"2026-01-01T00:00:00.000Z"}' };
    expect(renderStoredView(scheduled, undefined, Date.parse('2026-01-01T00:00:01Z'))).toMatchObject({
      status: 'open',
    });
    expect(renderStoredView(scheduled, undefined, Date.parse('2025-12-31T00:00:00Z'))).toBe(
      scheduled.viewJson,
    );
  });
});
