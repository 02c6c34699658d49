/** The decider's photo rules, given/when/then: the seller alone, until the end, at most twelve. */
import { MAX_PHOTOS, auctionDecider, evolveAll, type AuctionEvent } from '../../src/auction';
import { deciderSpec } from '../support/deciderSpec';
import { at, auctionCreated, iso } from '../support/auctionFixtures';

const given = deciderSpec(auctionDecider);
const photo = (n: number) => ({
  photoId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  contentType: 'image/jpeg' as const,
  width: 800,
  height: 600,
  bytes: 12_345,
});
const added = (n: number, seconds = 10): AuctionEvent => ({
  type: 'PhotoAdded',
  data: { ...photo(n), addedAt: iso(seconds) },
});
const add = (n: number, userId = 'seller', seconds = 10) => ({
  type: 'AddPhoto' as const,
  data: { ...photo(n), userId },
  now: at(seconds),
});

describe('photos of an auction', () => {
  it('the seller adds one while the auction runs', () => {
    given([auctionCreated()])
      .when(add(1))
      .then([added(1)]);
  });

  it('refuses anyone else, a photo added twice, and a thirteenth', () => {
    given([auctionCreated()]).when(add(1, 'bidder')).thenRefuses('NOT_SELLER');
    given([auctionCreated(), added(1)])
      .when(add(1))
      .thenRefuses('PHOTO_EXISTS');
    const twelve = Array.from({ length: MAX_PHOTOS }, (_, i) => added(i + 1));
    given([auctionCreated(), ...twelve])
      .when(add(99))
      .thenRefuses('TOO_MANY_PHOTOS');
  });

  it('refuses a photo once the auction has ended, is closed or cancelled', () => {
    given([auctionCreated()])
      .when(add(1, 'seller', 3600))
      .thenRefuses('AUCTION_NOT_OPEN');
    const cancelled: AuctionEvent = { type: 'AuctionCancelled', data: { reason: null, cancelledAt: iso(5) } };
    given([auctionCreated(), cancelled]).when(add(1)).thenRefuses('AUCTION_NOT_OPEN');
  });

  it('the seller removes one at any time; a photo it does not have is not found', () => {
    const remove = (userId: string, seconds = 20, n = 1) => ({
      type: 'RemovePhoto' as const,
      data: { userId, photoId: photo(n).photoId },
      now: at(seconds),
    });
    given([auctionCreated(), added(1)])
      .when(remove('seller', 7200))
      .then([{ type: 'PhotoRemoved', data: { photoId: photo(1).photoId, removedAt: iso(7200) } }]);
    given([auctionCreated(), added(1)])
      .when(remove('bidder'))
      .thenRefuses('NOT_SELLER');
    given([auctionCreated(), added(1)])
      .when(remove('seller', 20, 2))
      .thenRefuses('PHOTO_NOT_FOUND');
  });

  it('keeps the photos in the order they were added, without the removed ones', () => {
    const removed: AuctionEvent = {
      type: 'PhotoRemoved',
      data: { photoId: photo(2).photoId, removedAt: iso(30) },
    };
    const state = evolveAll([auctionCreated(), added(1), added(2), added(3), removed]);
    expect(state?.photos.map((p) => p.photoId)).toEqual([photo(1).photoId, photo(3).photoId]);
  });
});
