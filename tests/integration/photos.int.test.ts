/**
 * Photos through the running service: uploaded by the seller, listed in the auction's view on
 * every read model, served with an ETag and cached for a year, gone once removed. Kept in
 * PostgreSQL by default, and in an S3-compatible object store by configuration: the same suite
 * runs against both (s3rver, an S3-compatible server, stands in for MinIO or S3 here).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import S3rver from 's3rver';
import { call, createAuction, registerUser, startTestApp } from '../support/testApp';

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .png()
    .toBuffer();

async function upload(url: string, auctionId: string, token: string, bytes: Buffer, type = 'image/png') {
  const res = await fetch(`${url}/auctions/${auctionId}/photos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: bytes,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function photoSuite(name: string, env: () => Record<string, string>) {
  describe(`photos kept in ${name}`, () => {
    let t: Awaited<ReturnType<typeof startTestApp>>;
    beforeAll(async () => {
      t = await startTestApp({ label: `photos_${name.replace(/\W/g, '')}`, env: env() });
    });
    afterAll(() => t.stop());

    it('are listed in the view, served immutable with an ETag, and gone once removed', async () => {
      const seller = await registerUser(t.url, 'seller');
      const auctionId = await createAuction(t.url, seller.token);
      const added = await upload(t.url, auctionId, seller.token, await png(900, 600));
      expect(added.status).toBe(201);
      const { photoId, position } = added.body as { photoId: string; position: string };
      expect(added.body).toMatchObject({ width: 900, height: 600, url: `/photos/${photoId}` });

      const view = await call(t.url, 'GET', `/auctions/${auctionId}`, {
        headers: { 'X-Min-Position': position },
      });
      expect(view.body.photos).toEqual([
        {
          photoId,
          url: `/photos/${photoId}`,
          thumbnailUrl: `/photos/${photoId}/thumbnail`,
          width: 900,
          height: 600,
        },
      ]);
      const list = await call(t.url, 'GET', '/auctions?status=open&limit=100', {
        headers: { 'X-Min-Position': position },
      });
      expect(
        (list.body.items as Array<{ auctionId: string; photos: unknown[] }>).find(
          (a) => a.auctionId === auctionId,
        )?.photos,
      ).toHaveLength(1);

      const image = await fetch(`${t.url}/photos/${photoId}`);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
      expect(image.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const etag = image.headers.get('etag')!;
      expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).width).toBe(900);
      expect((await fetch(`${t.url}/photos/${photoId}`, { headers: { 'if-none-match': etag } })).status).toBe(
        304,
      );
      const thumbnail = Buffer.from(
        await (await fetch(`${t.url}/photos/${photoId}/thumbnail`)).arrayBuffer(),
      );
      expect((await sharp(thumbnail).metadata()).width).toBe(400);

      const removed = await call(t.url, 'DELETE', `/auctions/${auctionId}/photos/${photoId}`, {
        token: seller.token,
      });
      expect(removed.status).toBe(200);
      const after = await call(t.url, 'GET', `/auctions/${auctionId}`, {
        headers: { 'X-Min-Position': removed.body.position as string },
      });
      expect(after.body.photos).toEqual([]);
      for (const path of [`/photos/${photoId}`, `/photos/${photoId}/thumbnail`]) {
        const gone = await fetch(`${t.url}${path}`);
        expect(gone.status).toBe(404);
        expect(((await gone.json()) as { code: string }).code).toBe('PHOTO_NOT_FOUND');
      }
    });

    it('refuses an image that is not what it says, and anyone but the seller', async () => {
      const seller = await registerUser(t.url, 'seller');
      const other = await registerUser(t.url, 'other');
      const auctionId = await createAuction(t.url, seller.token);
      const bytes = await png(20, 20);
      expect((await upload(t.url, auctionId, seller.token, bytes, 'image/jpeg')).body.code).toBe(
        'INVALID_IMAGE',
      );
      expect((await upload(t.url, auctionId, other.token, bytes)).body.code).toBe('NOT_SELLER');
      const unknown = '0190aaaa-0000-7000-8000-00000000ffff';
      expect((await upload(t.url, unknown, seller.token, bytes)).body.code).toBe('AUCTION_NOT_FOUND');
      expect((await fetch(`${t.url}/photos/${unknown}`)).status).toBe(404);
    });
  });
}

photoSuite('PostgreSQL', () => ({}));

let s3: S3rver | undefined;
let s3Port = 0;
const BUCKET = 'auction-photos';
beforeAll(async () => {
  s3 = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: mkdtempSync(path.join(tmpdir(), 's3rver-')),
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  s3Port = (await s3.run()).port;
});
afterAll(() => s3?.close());
photoSuite('an S3-compatible store', () => {
  return {
    PHOTO_STORE: 's3',
    S3_BUCKET: BUCKET,
    S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  };
});
