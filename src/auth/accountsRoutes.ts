import { v7 as uuidv7 } from 'uuid';
import {
  ProblemError,
  apiRouter,
  noQuerySchema,
  type DocumentedRouter,
  type RouteSpec,
  uuidSchema,
} from '../platform';
import { EmailTakenError, type AccountsStore } from './accountsStore';
import { hashPassword, verifyPassword } from './passwords';
import type { TokenIssuer } from './tokens';
import type { RequestHandler } from 'express';

export const registerSchema = {
  type: 'object',
  properties: {
    email: { type: 'string', format: 'email', maxLength: 254 },
    password: { type: 'string', minLength: 8, maxLength: 128 },
    displayName: { type: 'string', minLength: 1, maxLength: 80, pattern: '\\S' },
  },
  required: ['email', 'password', 'displayName'],
  additionalProperties: false,
} as const;

export const loginSchema = {
  type: 'object',
  properties: {
    email: { type: 'string', minLength: 1, maxLength: 254 },
    password: { type: 'string', minLength: 1, maxLength: 128 },
  },
  required: ['email', 'password'],
  additionalProperties: false,
} as const;

export const sessionSchema = {
  type: 'object',
  properties: {
    userId: uuidSchema,
    token: { type: 'string', description: 'A JWT for the Authorization header' },
  },
  required: ['userId', 'token'],
  additionalProperties: false,
} as const;

export const meSchema = {
  type: 'object',
  properties: {
    userId: uuidSchema,
    email: { type: 'string' },
    displayName: { type: 'string' },
    roles: { type: 'array', items: { type: 'string', enum: ['bidder', 'analyst', 'admin'] } },
  },
  required: ['userId', 'email', 'displayName', 'roles'],
  additionalProperties: false,
} as const;

interface Deps {
  accounts: AccountsStore;
  tokens: TokenIssuer;
  requireAuth: RequestHandler;
  /** Per-IP limit on register and login (429 with Retry-After). */
  authRateLimit?: RequestHandler;
}

const registerSpec = {
  tag: 'Accounts',
  method: 'post',
  path: '/auth/register',
  operationId: 'register',
  summary: 'Sign up; the reply carries a token',
  description: 'Creates an account (the password is stored as an argon2id hash) and returns a token.',
  body: registerSchema,
  responses: { 201: { description: 'Signed up', schema: sessionSchema } },
  problems: { 409: ['EMAIL_TAKEN'] },
} satisfies RouteSpec;

const register =
  ({ accounts, tokens }: Deps): RequestHandler =>
  async (req, res) => {
    const { email, password, displayName } = req.body as {
      email: string;
      password: string;
      displayName: string;
    };
    const userId = uuidv7();
    try {
      await accounts.insert({
        userId,
        email: email.trim(),
        passwordHash: await hashPassword(password),
        displayName: displayName.trim(),
        roles: ['bidder'],
      });
    } catch (error) {
      if (error instanceof EmailTakenError)
        throw new ProblemError(409, 'EMAIL_TAKEN', 'Email taken', 'An account with this email exists');
      throw error;
    }
    res.status(201).json({ userId, token: tokens.issue({ sub: userId, roles: ['bidder'] }) });
  };

const loginSpec = {
  tag: 'Accounts',
  method: 'post',
  path: '/auth/login',
  operationId: 'login',
  summary: 'Log in; the reply carries a token',
  description:
    'Exchanges an email and password for a token. Both wrong email and wrong password answer the same 401.',
  body: loginSchema,
  responses: { 200: { description: 'Logged in', schema: sessionSchema } },
  problems: { 401: ['INVALID_CREDENTIALS'] },
} satisfies RouteSpec;

const login =
  ({ accounts, tokens }: Deps): RequestHandler =>
  async (req, res) => {
    const { email, password } = req.body as { email: string; password: string };
    const account = await accounts.findByEmail(email.trim());
    // Unknown email: verify against a dummy hash anyway, so timing does not tell.
    const ok = await verifyPassword(account?.passwordHash, password);
    if (!account || !ok)
      throw new ProblemError(401, 'INVALID_CREDENTIALS', 'Invalid credentials', 'Email or password is wrong');
    res.json({ userId: account.userId, token: tokens.issue({ sub: account.userId, roles: account.roles }) });
  };

const meSpec = {
  tag: 'Accounts',
  method: 'get',
  path: '/me',
  operationId: 'getMe',
  query: noQuerySchema,
  summary: 'My account',
  description: "The account of the token's user, with the roles the token carries.",
  responses: { 200: { description: 'My account', schema: meSchema } },
} satisfies RouteSpec;

const me =
  ({ accounts }: Deps): RequestHandler =>
  async (req, res) => {
    const account = await accounts.findById(req.auth!.userId);
    if (!account) throw new ProblemError(401, 'UNAUTHORIZED', 'Unauthorized', 'The account no longer exists');
    const { userId, email, displayName, roles } = account;
    res.json({ userId, email, displayName, roles });
  };

const renewSpec = {
  tag: 'Accounts',
  method: 'post',
  path: '/auth/token',
  operationId: 'renewToken',
  query: noQuerySchema,
  summary: 'A fresh token for the signed-in user',
  description:
    "Exchanges a valid token for a fresh one, with the account's roles as they are now: a role granted (or taken away) since the token was issued takes effect without logging in again, and a page that stays open renews its session before it expires. No body.",
  responses: { 200: { description: 'A fresh token', schema: sessionSchema } },
} satisfies RouteSpec;

const renew =
  ({ accounts, tokens }: Deps): RequestHandler =>
  async (req, res) => {
    const account = await accounts.findById(req.auth!.userId);
    if (!account) throw new ProblemError(401, 'UNAUTHORIZED', 'Unauthorized', 'The account no longer exists');
    res.json({ userId: account.userId, token: tokens.issue({ sub: account.userId, roles: account.roles }) });
  };

/** POST /auth/register, POST /auth/login, POST /auth/token, GET /me. */
export function accountsRoutes(deps: Deps): DocumentedRouter {
  const { router, route } = apiRouter();
  const limited = deps.authRateLimit ? [deps.authRateLimit] : [];
  route({ ...registerSpec, guards: limited }, register(deps));
  route({ ...loginSpec, guards: limited }, login(deps));
  route({ ...renewSpec, guards: [deps.requireAuth] }, renew(deps));
  route({ ...meSpec, guards: [deps.requireAuth] }, me(deps));
  return router;
}
