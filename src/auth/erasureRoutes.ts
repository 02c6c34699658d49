import type { Knex } from 'knex';
import type { RequestHandler } from 'express';
import {
  apiRouter,
  noQuerySchema,
  ProblemError,
  type DocumentedRouter,
  type PersonalDataVault,
  type RouteSpec,
} from '../platform';
import { type AccountsStore } from './accountsStore';
import { verifyPassword } from './passwords';

interface Deps {
  knex: Knex;
  accounts: AccountsStore;
  vault: PersonalDataVault;
  requireAuth: RequestHandler;
  /** How many invoices the user owes (open or overdue). */
  owedInvoices(userId: string): Promise<number>;
  /** Records the erasure in the user's stream (their commands are refused from then on). */
  recordErasure(userId: string): Promise<void>;
  /** Everything else held about the user, for GET /me/data (their invoices with checkout details opened). */
  heldAbout(userId: string): Promise<Record<string, unknown>>;
}

const eraseSpec = {
  tag: 'Accounts',
  method: 'delete',
  path: '/me',
  operationId: 'deleteMe',
  query: noQuerySchema,
  summary: 'Delete my account and my personal data',
  description:
    'With your password. Erases the account (email, display name, password hash) and your key: every checkout detail sealed with it, in the log and everywhere else, can never be read again. Your id stays as a pseudonym, so every auction and invoice replays to the same outcome. Refused (409 OPEN_INVOICES) while you owe an open or overdue invoice. Cannot be undone.',
  body: {
    type: 'object',
    properties: { password: { type: 'string', minLength: 1, maxLength: 128 } },
    required: ['password'],
    additionalProperties: false,
  },
  responses: { 204: { description: 'Deleted' } },
  problems: { 401: ['INVALID_CREDENTIALS'], 409: ['OPEN_INVOICES'] },
} satisfies RouteSpec;

const dataSpec = {
  tag: 'Accounts',
  method: 'get',
  path: '/me/data',
  operationId: 'getMyData',
  query: noQuerySchema,
  summary: 'All personal data held about me',
  description:
    'Your account and your checkout details (opened), with the invoices they were given for, as JSON.',
  responses: {
    200: {
      description: 'What is held about you',
      schema: {
        type: 'object',
        properties: {
          account: {
            type: 'object',
            properties: {
              userId: { type: 'string' },
              email: { type: 'string' },
              displayName: { type: 'string' },
              roles: { type: 'array', items: { type: 'string' } },
            },
            required: ['userId', 'email', 'displayName', 'roles'],
          },
          checkoutDetails: { type: 'array', items: { type: 'object' } },
        },
        required: ['account', 'checkoutDetails'],
      },
    },
  },
} satisfies RouteSpec;

/** DELETE /me (erasure by crypto-shredding) and GET /me/data (what is held about the caller). */
export function erasureRoutes(deps: Deps): DocumentedRouter {
  const { router, route } = apiRouter();
  const { accounts } = deps;
  const gone = () => new ProblemError(401, 'UNAUTHORIZED', 'Unauthorized', 'The account no longer exists');
  route({ ...eraseSpec, guards: [deps.requireAuth] }, async (req, res) => {
    const userId = req.auth!.userId;
    const account = await accounts.findById(userId);
    if (!account) throw gone();
    const { password } = req.body as { password: string };
    if (!(await verifyPassword(account.passwordHash, password)))
      throw new ProblemError(401, 'INVALID_CREDENTIALS', 'Invalid credentials', 'The password is wrong');
    const owed = await deps.owedInvoices(userId);
    if (owed > 0)
      throw new ProblemError(
        409,
        'OPEN_INVOICES',
        'Open invoices',
        `You owe ${owed} invoice(s): pay them first`,
        {
          openInvoices: owed,
        },
      );
    // First the log says so (the user's commands stop on every instance), then the data goes.
    await deps.recordErasure(userId);
    await deps.knex.transaction(async (trx) => {
      await deps.vault.erase(userId, trx);
      await trx('accounts').where({ user_id: userId }).delete();
    });
    res.status(204).end();
  });
  route({ ...dataSpec, guards: [deps.requireAuth] }, async (req, res) => {
    const userId = req.auth!.userId;
    const account = await accounts.findById(userId);
    if (!account) throw gone();
    const { email, displayName, roles } = account;
    res.setHeader('Cache-Control', 'private, no-store');
    res.json({ account: { userId, email, displayName, roles }, ...(await deps.heldAbout(userId)) });
  });
  return router;
}
