import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Knex } from 'knex';
import type { PhotoStoreConfig } from './config';
import type { Migration } from './postgres';
import { etagOf } from './etag';

/** Immutable files by key (written once, never changed): PostgreSQL or an S3-compatible store. */
export interface BlobStore {
  kind: 'postgres' | 's3';
  /** Keeps `bytes` under `key`; writing the same key again changes nothing. */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<Blob | undefined>;
  /** Deletes what is under `key` (nothing there: nothing to do). */
  delete(key: string): Promise<void>;
}

export interface Blob {
  bytes: Buffer;
  contentType: string;
  /** A strong validator of the bytes (a hash of them). */
  etag: string;
}

export const blobMigrations: Migration[] = [
  {
    name: '0500_blobs',
    async up(knex: Knex) {
      await knex.raw(`
        CREATE TABLE blobs (
          key text PRIMARY KEY,
          content_type text NOT NULL,
          etag text NOT NULL,
          bytes bytea NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        -- The bytes are compressed already (JPEG, PNG, WebP): PostgreSQL need not try again.
        ALTER TABLE blobs ALTER COLUMN bytes SET STORAGE EXTERNAL;
      `);
    },
    async down(knex: Knex) {
      await knex.raw('DROP TABLE blobs');
    },
  },
];

export function postgresBlobStore(knex: Knex): BlobStore {
  return {
    kind: 'postgres',
    async put(key, bytes, contentType) {
      await knex('blobs')
        .insert({ key, content_type: contentType, etag: etagOf(bytes), bytes })
        .onConflict('key')
        .ignore();
    },
    async get(key) {
      const row = await knex('blobs').where({ key }).first('bytes', 'content_type', 'etag');
      return (
        row && {
          bytes: row.bytes as Buffer,
          contentType: row.content_type as string,
          etag: row.etag as string,
        }
      );
    },
    async delete(key) {
      await knex('blobs').where({ key }).delete();
    },
  };
}

export function s3BlobStore(
  config: Extract<PhotoStoreConfig, { kind: 's3' }>,
): BlobStore & { client: S3Client } {
  const client = new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
  });
  return {
    kind: 's3',
    client,
    async put(key, bytes, contentType) {
      await client.send(
        new PutObjectCommand({
          Bucket: config.bucket,
          Key: key,
          Body: bytes,
          ContentType: contentType,
          Metadata: { etag: etagOf(bytes) },
        }),
      );
    },
    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
        const bytes = Buffer.from(await object.Body!.transformToByteArray());
        return { bytes, contentType: object.ContentType ?? 'application/octet-stream', etag: etagOf(bytes) };
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: key }));
    },
  };
}

/** Blobs in this process's memory: the same port, for tests of the routes without a database. */
export function memoryBlobStore(): BlobStore {
  const held = new Map<string, Blob>();
  return {
    kind: 'postgres',
    async put(key, bytes, contentType) {
      if (!held.has(key)) held.set(key, { bytes: Buffer.from(bytes), contentType, etag: etagOf(bytes) });
    },
    get: async (key) => held.get(key),
    delete: async (key) => void held.delete(key),
  };
}

/** The blob store the configuration names. */
export const openBlobStore = (config: PhotoStoreConfig, knex: Knex): BlobStore =>
  config.kind === 's3' ? s3BlobStore(config) : postgresBlobStore(knex);
