import type { RequestHandler } from 'express';
import {
  apiRouter,
  notModified,
  noQuerySchema,
  ProblemError,
  type BlobStore,
  type DocumentedRouter,
  type RouteSpec,
} from '../../platform';

const IMAGE = ['image/jpeg', 'image/png', 'image/webp'];
const IMMUTABLE = 'public, max-age=31536000, immutable';

const photoSpec = (variant: 'original' | 'thumbnail') =>
  ({
    tag: 'Queries',
    method: 'get',
    path: variant === 'original' ? '/photos/:id' : '/photos/:id/thumbnail',
    operationId: variant === 'original' ? 'getPhoto' : 'getPhotoThumbnail',
    query: noQuerySchema,
    summary: variant === 'original' ? 'A photo of an auction' : "A photo's thumbnail (at most 400 px wide)",
    description:
      'The image, as the seller uploaded it but upright and without its metadata. A photo never changes (a new one has a new id): it is cached for a year, with an `ETag` for `If-None-Match`. A removed photo answers 404.',
    responses: {
      200: {
        description: 'The image',
        contentTypes: IMAGE,
        schema: { type: 'string' },
        headers: { ETag: 'A strong validator of the image', 'Cache-Control': IMMUTABLE },
      },
      304: { description: 'Not modified (If-None-Match named its ETag)' },
    },
    problems: { 404: ['PHOTO_NOT_FOUND'] },
  }) satisfies RouteSpec;

const photo =
  (blobs: BlobStore, variant: 'original' | 'thumbnail'): RequestHandler =>
  async (req, res) => {
    const photoId = String(req.params.id).toLowerCase();
    const blob = await blobs.get(`photos/${photoId}/${variant}`);
    if (!blob) throw new ProblemError(404, 'PHOTO_NOT_FOUND', 'Photo not found', 'No such photo');
    res.set({ ETag: blob.etag, 'Cache-Control': IMMUTABLE, 'Content-Type': blob.contentType });
    if (notModified(req.headers, blob.etag)) return void res.status(304).end();
    res.status(200).end(blob.bytes);
  };

/** GET /photos/:id and GET /photos/:id/thumbnail, from the blob store (PostgreSQL or S3). */
export function photoRoutes({ blobs }: { blobs: BlobStore }): DocumentedRouter {
  const { router, route } = apiRouter();
  route(photoSpec('original'), photo(blobs, 'original'));
  route(photoSpec('thumbnail'), photo(blobs, 'thumbnail'));
  return router;
}
