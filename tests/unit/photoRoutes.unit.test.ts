/**
 * POST and DELETE /auctions/:id/photos, given/when/then over the in-memory stores and the real
 * image decoder: the bytes decide (not the header), metadata such as a GPS position is gone,
 * the photo is upright, the thumbnail at most 400 px wide, and the decider's rules hold.
 */
import sharp from 'sharp';
import { commandRoutesSpec } from '../support/commandRoutesSpec';

const now = new Date('2026-03-01T12:00:00.000Z');
const AUCTION = '0190aaaa-0000-7000-8000-000000000001';
const SELLER = '0190aaaa-0000-7000-8000-0000000000a1';
const SOMEONE = '0190aaaa-0000-7000-8000-0000000000b2';
const created = {
  type: 'AuctionCreated',
  data: {
    auctionId: AUCTION,
    sellerId: SELLER,
    title: 'Lamp',
    description: '',
    currency: 'EUR',
    startingPrice: 1000,
    reservePrice: null,
    minIncrement: null,
    startsAt: '2026-03-01T10:00:00.000Z',
    endsAt: '2026-03-02T10:00:00.000Z',
    softClose: null,
    createdAt: '2026-03-01T10:00:00.000Z',
  },
};

/** A JPEG as a phone makes it: sideways (EXIF orientation 6) and with where it was taken. */
const phonePhoto = (width = 1000, height = 500) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExifMerge({ IFD0: { Make: 'PhoneCo' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 22/1 0/1' } })
    .toBuffer();

async function given() {
  const spec = commandRoutesSpec({ now });
  await spec.given({ [`auction-${AUCTION}`]: [created] });
  const upload = (bytes: Buffer, as = SELLER, type = 'image/jpeg', headers: Record<string, string> = {}) =>
    spec.when('post', `/auctions/${AUCTION}/photos`, {
      as,
      body: bytes,
      headers: { 'Content-Type': type, ...headers },
    });
  return { spec, upload };
}

describe('photos of an auction, over HTTP', () => {
  it('keeps an upright copy without its metadata, and a thumbnail at most 400 px wide', async () => {
    const { spec, upload } = await given();
    const original = await phonePhoto();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const res = await upload(original);
    expect(res.status).toBe(201);
    const photoId = res.body.photoId as string;
    // Orientation 6 turns the 1000x500 picture upright: 500 wide, 1000 high.
    expect(res.body).toMatchObject({
      url: `/photos/${photoId}`,
      thumbnailUrl: `/photos/${photoId}/thumbnail`,
      width: 500,
      height: 1000,
    });
    expect(res.headers.location).toBe(`/photos/${photoId}`);
    expect(res.events).toEqual([
      {
        stream: `auction-${AUCTION}`,
        type: 'PhotoAdded',
        data: expect.objectContaining({ photoId, contentType: 'image/jpeg', width: 500, height: 1000 }),
      },
    ]);
    const kept = (await spec.blobs.get(`photos/${photoId}/original`))!;
    const meta = await sharp(kept.bytes).metadata();
    expect([meta.width, meta.height, meta.exif, meta.orientation, meta.icc, meta.xmp]).toEqual([
      500,
      1000,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(kept.bytes.includes(Buffer.from('PhoneCo'))).toBe(false);
    const thumbnail = await sharp((await spec.blobs.get(`photos/${photoId}/thumbnail`))!.bytes).metadata();
    expect([thumbnail.width, thumbnail.height]).toEqual([400, 800]);
  });

  it('decides by the bytes: another type, no image, a broken one, too large; nothing kept', async () => {
    const { spec, upload } = await given();
    const jpeg = await phonePhoto(40, 40);
    expect(await upload(jpeg, SELLER, 'text/plain')).toMatchObject({
      status: 415,
      body: { code: 'UNSUPPORTED_MEDIA_TYPE' },
    });
    expect(await upload(jpeg, SELLER, 'image/png')).toMatchObject({
      status: 422,
      body: { code: 'INVALID_IMAGE' },
    });
    expect(await upload(Buffer.from('not an image at all'), SELLER)).toMatchObject({
      status: 422,
      body: { code: 'INVALID_IMAGE' },
    });
    expect(await upload(jpeg.subarray(0, jpeg.length / 2), SELLER)).toMatchObject({
      status: 422,
      body: { code: 'INVALID_IMAGE' },
    });
    const huge = Buffer.alloc(10 * 1024 * 1024 + 1);
    expect(await upload(huge, SELLER)).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    expect((await upload(jpeg, SOMEONE)).body).toMatchObject({ status: 403, code: 'NOT_SELLER' });
    expect(
      (
        await spec.when('post', `/auctions/${AUCTION}/photos`, {
          body: jpeg,
          headers: { 'Content-Type': 'image/jpeg' },
        })
      ).status,
    ).toBe(401);
    const none = await upload(jpeg, SELLER, 'image/jpeg', { 'Content-Type': 'image/jpeg' });
    expect(none.status).toBe(201); // and the refused ones left no event behind
    expect(none.events).toHaveLength(1);
  });

  it('takes at most 12, and a retry with the same key is the same photo', async () => {
    const { upload } = await given();
    const jpeg = await phonePhoto(40, 40);
    const first = await upload(jpeg, SELLER, 'image/jpeg', { 'Idempotency-Key': 'photo-1' });
    const again = await upload(jpeg, SELLER, 'image/jpeg', { 'Idempotency-Key': 'photo-1' });
    expect(again.status).toBe(201);
    expect(again.body.photoId).toBe(first.body.photoId);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.events).toEqual([]);
    for (let i = 2; i <= 12; i++) expect((await upload(jpeg)).status).toBe(201);
    expect(await upload(jpeg)).toMatchObject({ status: 422, body: { code: 'TOO_MANY_PHOTOS' } });
  });

  it('the seller removes one: recorded, and its files are gone', async () => {
    const { spec, upload } = await given();
    const photoId = (await upload(await phonePhoto(40, 40))).body.photoId as string;
    const path = `/auctions/${AUCTION}/photos/${photoId}`;
    expect((await spec.when('delete', path, { as: SOMEONE })).body).toMatchObject({ code: 'NOT_SELLER' });
    const removed = await spec.when('delete', path, { as: SELLER });
    expect(removed.status).toBe(200);
    expect(removed.events).toEqual([
      { stream: `auction-${AUCTION}`, type: 'PhotoRemoved', data: { photoId, removedAt: now.toISOString() } },
    ]);
    expect(await spec.blobs.get(`photos/${photoId}/original`)).toBeUndefined();
    expect(await spec.blobs.get(`photos/${photoId}/thumbnail`)).toBeUndefined();
    expect(await spec.when('delete', path, { as: SELLER })).toMatchObject({
      status: 404,
      body: { code: 'PHOTO_NOT_FOUND' },
    });
  });
});
