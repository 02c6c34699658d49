import type { Knex } from 'knex';
import type { Role } from './tokens';

export interface Account {
  userId: string;
  email: string;
  passwordHash: string;
  displayName: string;
  roles: Role[];
}

interface AccountRow {
  user_id: string;
  email: string;
  password_hash: string;
  display_name: string;
  roles: Role[];
}

const toAccount = (row: AccountRow): Account => ({
  userId: row.user_id,
  email: row.email,
  passwordHash: row.password_hash,
  displayName: row.display_name,
  roles: row.roles,
});

export class EmailTakenError extends Error {
  readonly code = 'EMAIL_TAKEN';
}

export function getAccountsStore(knex: Knex) {
  return {
    async insert(account: Account): Promise<void> {
      try {
        await knex('accounts').insert({
          user_id: account.userId,
          email: account.email,
          password_hash: account.passwordHash,
          display_name: account.displayName,
          roles: account.roles,
        });
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw new EmailTakenError('Email taken');
        throw error;
      }
    },
    async findByEmail(email: string): Promise<Account | undefined> {
      const row = await knex<AccountRow>('accounts').whereRaw('lower(email) = lower(?)', [email]).first();
      return row ? toAccount(row) : undefined;
    },
    async findById(userId: string): Promise<Account | undefined> {
      const row = await knex<AccountRow>('accounts').where({ user_id: userId }).first();
      return row ? toAccount(row) : undefined;
    },
    /** Adds a role; returns false when no account has that email. */
    async grantRole(email: string, role: Role): Promise<boolean> {
      const updated = await knex('accounts')
        .whereRaw('lower(email) = lower(?)', [email])
        .update({
          roles: knex.raw('(SELECT array_agg(DISTINCT r) FROM unnest(roles || ?::text) AS r)', [role]),
        });
      return updated > 0;
    },
  };
}

export type AccountsStore = ReturnType<typeof getAccountsStore>;
