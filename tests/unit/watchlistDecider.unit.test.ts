import { watchlistDecider, type UserEvent, type WatchCommand } from '../../src/watching';
import { at, iso } from '../support/auctionFixtures';
import { deciderSpec } from '../support/deciderSpec';

const given = deciderSpec(watchlistDecider);
const watch = (auctionId: string): WatchCommand => ({
  type: 'WatchAuction',
  data: { auctionId },
  now: at(0),
});
const unwatch = (auctionId: string): WatchCommand => ({
  type: 'UnwatchAuction',
  data: { auctionId },
  now: at(0),
});
const watched = (auctionId: string): UserEvent => ({
  type: 'AuctionWatched',
  data: { auctionId, watchedAt: iso(0) },
});
const unwatched = (auctionId: string): UserEvent => ({
  type: 'AuctionUnwatched',
  data: { auctionId, unwatchedAt: iso(0) },
});

describe('the watchlist decider (stream user-<userId>)', () => {
  it('records a watch', () =>
    given([])
      .when(watch('a1'))
      .then([watched('a1')]));
  it('records nothing for a watch of what is watched (PUT is idempotent by state)', () =>
    given([watched('a1')])
      .when(watch('a1'))
      .then([]));
  it('records an unwatch of what is watched', () =>
    given([watched('a1')])
      .when(unwatch('a1'))
      .then([unwatched('a1')]));
  it('records nothing for an unwatch of what is not watched', () =>
    given([watched('a2')])
      .when(unwatch('a1'))
      .then([]));
  it('watches again after an unwatch', () =>
    given([watched('a1'), unwatched('a1')])
      .when(watch('a1'))
      .then([watched('a1')]));
  it('starts from an empty watchlist', () => {
    const { auctions, sales } = watchlistDecider.initialState();
    expect([auctions.size, sales.size]).toEqual([0, 0]);
  });
});

describe('watching a sale', () => {
  const S = 's1';
  const watchSale = (type: 'WatchSale' | 'UnwatchSale'): WatchCommand => ({
    type,
    data: { saleId: S },
    now: at(0),
  });
  const saleWatched: UserEvent = { type: 'SaleWatched', data: { saleId: S, watchedAt: iso(0) } };
  const saleUnwatched: UserEvent = { type: 'SaleUnwatched', data: { saleId: S, unwatchedAt: iso(0) } };
  it('records a watch once and an unwatch once', () => {
    given([]).when(watchSale('WatchSale')).then([saleWatched]);
    given([saleWatched]).when(watchSale('WatchSale')).then([]);
    given([saleWatched]).when(watchSale('UnwatchSale')).then([saleUnwatched]);
    given([]).when(watchSale('UnwatchSale')).then([]);
  });
  it('keeps sales and auctions apart: the same id watched as an auction is not the sale', () => {
    given([watched(S)])
      .when(watchSale('WatchSale'))
      .then([saleWatched]);
    given([saleWatched])
      .when(watch(S))
      .then([watched(S)]);
  });
});
