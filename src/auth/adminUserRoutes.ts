import type { RequestHandler } from 'express';
import { apiRouter, ProblemError, type DocumentedRouter, type RouteSpec } from '../platform';
import { meSchema } from './accountsRoutes';
import type { AccountsStore } from './accountsStore';

const findUserSpec = {
  method: 'get',
  path: '/admin/users',
  operationId: 'findUser',
  summary: 'Find a user by email (admin)',
  description: "The account with that email (the admin's page looks a user up before suspending them).",
  query: {
    type: 'object',
    properties: { email: { type: 'string', minLength: 3, maxLength: 254 } },
    required: ['email'],
    additionalProperties: false,
  },
  responses: { 200: { description: 'The account', schema: meSchema } },
  problems: { 404: ['USER_NOT_FOUND'] },
} satisfies Omit<RouteSpec, 'tag'>;

/** GET /admin/users?email=: an admin looks a user up. */
export function adminUserRoutes(deps: {
  accounts: AccountsStore;
  requireAuth: RequestHandler;
  requireAdmin: RequestHandler;
}): DocumentedRouter {
  const { router, route } = apiRouter();
  route(
    { tag: 'Who may bid', ...findUserSpec, guards: [deps.requireAuth, deps.requireAdmin] },
    async (_req, res) => {
      const { email } = res.locals.query as { email: string };
      const account = await deps.accounts.findByEmail(email.trim());
      if (!account)
        throw new ProblemError(404, 'USER_NOT_FOUND', 'User not found', 'No account has this email');
      const { userId, displayName, roles } = account;
      res.json({ userId, email: account.email, displayName, roles });
    },
  );
  return router;
}
