import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Migration } from './postgres';

/**
 * Personal data sealed with a key per user (crypto-shredding): the events keep only the sealed
 * bytes, the keys live in their own table, never in an event or a log line; erasing a user's key
 * makes everything sealed with it unreadable for good while the log stays whole.
 */
export const personalDataMigrations: Migration[] = [
  {
    name: '0700_user_keys',
    async up(knex: Knex) {
      await knex.raw(`
        CREATE TABLE user_keys (
          user_id uuid PRIMARY KEY,
          key bytea NOT NULL CHECK (length(key) = 32),
          created_at timestamptz NOT NULL DEFAULT now()
        );
      `);
    },
    async down(knex: Knex) {
      await knex.raw('DROP TABLE user_keys');
    },
  },
];

/** AES-256-GCM output, base64: what an event holds instead of the data. */
export interface SealedData {
  userId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

const ALGORITHM = 'aes-256-gcm';

export function getPersonalDataVault(knex: Knex) {
  const keyOf = async (userId: string): Promise<Buffer | undefined> => {
    const row = await knex('user_keys').where({ user_id: userId }).first('key');
    return row?.key as Buffer | undefined;
  };
  return {
    /** Seals `value` (JSON) with the user's key, made on first use. */
    async seal(userId: string, value: unknown): Promise<SealedData> {
      await knex('user_keys')
        .insert({ user_id: userId, key: randomBytes(32) })
        .onConflict('user_id')
        .ignore();
      const key = (await keyOf(userId))!;
      const iv = randomBytes(12);
      const cipher = createCipheriv(ALGORITHM, key, iv);
      // The user id is authenticated with the data: a sealed value cannot be passed off as another's.
      cipher.setAAD(Buffer.from(userId));
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return {
        userId,
        iv: iv.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
        ciphertext: ciphertext.toString('base64'),
      };
    },
    /** The value, or undefined once the user's key is erased. */
    async open(sealed: SealedData): Promise<unknown> {
      const key = await keyOf(sealed.userId);
      if (!key) return undefined;
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(Buffer.from(sealed.userId));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      const clear = Buffer.concat([
        decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
        decipher.final(),
      ]);
      return JSON.parse(clear.toString('utf8')) as unknown;
    },
    /** Erases the user's key: what was sealed with it can never be read again. */
    async erase(userId: string, db: Knex | Knex.Transaction = knex): Promise<void> {
      await db('user_keys').where({ user_id: userId }).delete();
    },
  };
}

export type PersonalDataVault = ReturnType<typeof getPersonalDataVault>;
