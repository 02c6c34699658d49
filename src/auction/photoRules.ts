import type { AuctionEvent, PhotoAdded } from './auctionEvents';
import { AuctionRuleError } from './auctionRuleError';
import type { Auction } from './auctionState';

/** How many photos a lot may have. */
export const MAX_PHOTOS = 12;

export type AddPhotoData = Omit<PhotoAdded, 'addedAt'> & { userId: string };

/** Only the seller adds photos, until the auction ends, at most MAX_PHOTOS. */
export function addPhoto(data: AddPhotoData, now: Date, auction: Auction): AuctionEvent[] {
  if (data.userId !== auction.sellerId)
    throw new AuctionRuleError('NOT_SELLER', 'Only the seller adds photos');
  if (auction.status !== 'active' || now.getTime() >= auction.endsAt)
    throw new AuctionRuleError('AUCTION_NOT_OPEN', 'Photos can be added until the auction ends');
  if (auction.photos.some((p) => p.photoId === data.photoId))
    throw new AuctionRuleError('PHOTO_EXISTS', 'This photo was added already');
  if (auction.photos.length >= MAX_PHOTOS)
    throw new AuctionRuleError('TOO_MANY_PHOTOS', `An auction has at most ${MAX_PHOTOS} photos`, {
      maxPhotos: MAX_PHOTOS,
    });
  const { userId: _seller, ...photo } = data;
  return [{ type: 'PhotoAdded', data: { ...photo, addedAt: now.toISOString() } }];
}

/** Only the seller removes a photo, at any time (one that shows too much must be able to go). */
export function removePhoto(
  data: { userId: string; photoId: string },
  now: Date,
  auction: Auction,
): AuctionEvent[] {
  if (data.userId !== auction.sellerId)
    throw new AuctionRuleError('NOT_SELLER', 'Only the seller removes photos');
  if (!auction.photos.some((p) => p.photoId === data.photoId))
    throw new AuctionRuleError('PHOTO_NOT_FOUND', 'No such photo of this auction');
  return [{ type: 'PhotoRemoved', data: { photoId: data.photoId, removedAt: now.toISOString() } }];
}
