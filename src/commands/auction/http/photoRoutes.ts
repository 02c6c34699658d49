import { createHash } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import {
  AuctionRuleError,
  auctionStreamId,
  decide,
  foldAuction,
  MAX_PHOTOS,
  type AuctionCommand,
} from '../../../auction';
import type { EventStore } from '../../../events';
import {
  IMAGE_TYPES,
  InvalidImageError,
  nameUuids,
  processImage,
  ProblemError,
  type BlobStore,
  type ImageType,
  type RouteSpec,
} from '../../../platform';
import type { CommandHandler } from '../commandHandler';
import { auctionIdParam, commandEnvelope, envelopeFor, sendReply } from './commandEnvelope';
import { commandProblem } from './commandProblem';
import { commandReplySchema } from './commandSchemas';
import { idempotencyKeyOf, replyHeaders } from './idempotency';

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
// Photo ids derived from (user, auction, Idempotency-Key): a retried upload is the same photo.
const keyedPhotoId = nameUuids('3b0f7d62-5a41-4f6e-8c2d-9e1a7b3c5d20');

/** Where a photo's two files are kept. */
export const photoKeys = (photoId: string) => ({
  original: `photos/${photoId}/original`,
  thumbnail: `photos/${photoId}/thumbnail`,
});

const photoSchema = {
  type: 'object',
  properties: {
    photoId: { type: 'string', format: 'uuid' },
    url: { type: 'string' },
    thumbnailUrl: { type: 'string' },
    width: { type: 'integer', minimum: 1 },
    height: { type: 'integer', minimum: 1 },
    ...commandReplySchema.properties,
  },
  required: ['photoId', 'url', 'thumbnailUrl', 'width', 'height', ...commandReplySchema.required],
  additionalProperties: false,
} as const;

export const addPhotoSpec = {
  method: 'post',
  path: '/auctions/:id/photos',
  operationId: 'addPhoto',
  summary: 'Add a photo (seller only, until the auction ends)',
  description: `The image itself is the body: \`Content-Type: image/jpeg\`, \`image/png\` or \`image/webp\`, at most 10 MiB, at most ${MAX_PHOTOS} photos an auction. The bytes are decoded and checked, not trusted by their header (else 422 INVALID_IMAGE), turned upright, and stripped of every metadata block (GPS position included) before they are kept; a thumbnail at most 400 px wide is made. With an Idempotency-Key, a retry is the same photo.`,
  rawBody: { contentTypes: Object.keys(IMAGE_TYPES), maxBytes: MAX_PHOTO_BYTES },
  responses: {
    201: {
      description: 'Added',
      schema: photoSchema,
      headers: { Location: 'The photo: /photos/{photoId}', ...replyHeaders },
    },
  },
  problems: {
    403: ['NOT_SELLER'],
    404: ['AUCTION_NOT_FOUND'],
    409: ['PHOTO_EXISTS'],
    413: ['PAYLOAD_TOO_LARGE'],
    415: ['UNSUPPORTED_MEDIA_TYPE'],
    422: ['INVALID_IMAGE', 'TOO_MANY_PHOTOS', 'AUCTION_NOT_OPEN', 'IDEMPOTENCY_KEY_REUSED'],
    503: ['BUSY'],
  },
} satisfies Omit<RouteSpec, 'tag'>;

export const removePhotoSpec = {
  method: 'delete',
  path: '/auctions/:id/photos/:photoId',
  operationId: 'removePhoto',
  summary: 'Remove a photo (seller only)',
  description: 'Takes the photo off the auction and deletes its files: its URLs answer 404 from then on.',
  params: { photoId: { type: 'string', format: 'uuid' } },
  responses: { 200: { description: 'Removed', schema: commandReplySchema, headers: replyHeaders } },
  problems: { 403: ['NOT_SELLER'], 404: ['AUCTION_NOT_FOUND', 'PHOTO_NOT_FOUND'], 503: ['BUSY'] },
} satisfies Omit<RouteSpec, 'tag'>;

/** The image of the body, up to MAX_PHOTO_BYTES, with the type it was sent as; 413 or 415 else. */
const readImage = express.raw({ type: () => true, limit: MAX_PHOTO_BYTES });
function imageBody(req: Request, res: Response): Promise<{ bytes: Buffer; type: ImageType }> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(type in IMAGE_TYPES))
    throw new ProblemError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Unsupported media type',
      'Send the photo as image/jpeg, image/png or image/webp',
    );
  return new Promise((resolve, reject) =>
    readImage(req, res, (error?: unknown) => {
      const status = (error as { status?: number } | undefined)?.status;
      if (status === 413)
        return reject(
          new ProblemError(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', 'A photo is at most 10 MiB'),
        );
      if (error) return reject(error as Error);
      const bytes = req.body as unknown;
      if (!Buffer.isBuffer(bytes) || bytes.length === 0)
        return reject(new ProblemError(422, 'INVALID_IMAGE', 'Invalid image', 'The body is empty'));
      resolve({ bytes, type: type as ImageType });
    }),
  );
}

/**
 * The rules asked first, on the auction as its own stream has it (not a read model that may lag):
 * nobody's image is decoded and kept for a command the decider would refuse anyway. It decides
 * again when the command is handled, against whatever happened meanwhile.
 */
async function precheck(eventStore: EventStore, auctionId: string, command: AuctionCommand) {
  const { state } = foldAuction(await eventStore.readStream(auctionStreamId(auctionId)));
  try {
    decide(command, state);
  } catch (error) {
    // The photo of a retried upload (same key): the handler answers it (the first reply, or why not).
    if (error instanceof AuctionRuleError && error.code === 'PHOTO_EXISTS') return;
    throw commandProblem(error);
  }
}

interface Deps {
  handler: CommandHandler;
  eventStore: EventStore;
  blobs: BlobStore;
  clock: () => Date;
}

/** POST /auctions/:id/photos: checked, decoded, kept, then recorded by the decider. */
export const addPhoto =
  ({ handler, eventStore, blobs, clock }: Deps): RequestHandler =>
  async (req, res) => {
    const auctionId = auctionIdParam(req);
    const userId = req.auth!.userId;
    const key = idempotencyKeyOf(req.get('Idempotency-Key'));
    const photoId = key ? keyedPhotoId(`${userId}:${auctionId}:${key}`) : uuidv7();
    const { bytes, type } = await imageBody(req, res);
    const probe = { photoId, contentType: type, width: 1, height: 1, bytes: bytes.length, userId };
    await precheck(eventStore, auctionId, { type: 'AddPhoto', now: clock(), data: probe });
    const image = await processImage(bytes, type).catch((error: unknown) => {
      if (error instanceof InvalidImageError)
        throw new ProblemError(422, 'INVALID_IMAGE', 'Invalid image', error.message);
      throw error;
    });
    // The files first: an event never names a photo whose bytes are not kept.
    const keys = photoKeys(photoId);
    await blobs.put(keys.original, image.original, type);
    await blobs.put(keys.thumbnail, image.thumbnail, type);
    const { width, height } = image;
    const data = { photoId, contentType: type, width, height, bytes: image.original.length, userId };
    const envelope = commandEnvelope({
      auctionId,
      userId,
      idempotencyKey: key,
      action: 'photos',
      // A retry with the same key must send the same image: its hash stands for the body.
      body: { sha256: createHash('sha256').update(bytes).digest('base64url') },
      command: { type: 'AddPhoto', now: clock(), data },
    });
    const urls = {
      photoId,
      url: `/photos/${photoId}`,
      thumbnailUrl: `/photos/${photoId}/thumbnail`,
      width,
      height,
    };
    await sendReply(
      res,
      201,
      async () => ({ ...(await handler.handle(envelope)), ...urls }),
      () => urls.url,
    );
  };

const deleteFiles = (blobs: BlobStore, photoId: string) => {
  const keys = photoKeys(photoId);
  return Promise.all([blobs.delete(keys.original), blobs.delete(keys.thumbnail)]);
};

/** Whether the auction's own stream records that photo as its own (added, and removed since). */
async function removedFrom(eventStore: EventStore, auctionId: string, photoId: string) {
  const events = await eventStore.readStream(auctionStreamId(auctionId));
  return events.some(
    (e) => e.type === 'PhotoRemoved' && (e.data as { photoId?: string }).photoId === photoId,
  );
}

/**
 * DELETE /auctions/:id/photos/:photoId: recorded, then its files go (their URLs answer 404). A
 * retry after the files could not go (the record stands: PHOTO_NOT_FOUND) deletes them then.
 */
export const removePhoto =
  ({ handler, eventStore, blobs, clock }: Deps): RequestHandler =>
  async (req, res) => {
    const auctionId = auctionIdParam(req);
    const photoId = String(req.params.photoId).toLowerCase();
    const envelope = envelopeFor(req, `photos/${photoId}`, {
      type: 'RemovePhoto',
      now: clock(),
      data: { userId: req.auth!.userId, photoId },
    });
    try {
      await sendReply(res, 200, async () => {
        const reply = await handler.handle(envelope);
        await deleteFiles(blobs, photoId);
        return reply;
      });
    } catch (error) {
      const gone = error instanceof ProblemError && error.code === 'PHOTO_NOT_FOUND';
      if (gone && (await removedFrom(eventStore, auctionId, photoId))) await deleteFiles(blobs, photoId);
      throw error;
    }
  };
