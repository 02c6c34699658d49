import type { Request, RequestHandler, Response } from 'express';
import { apiRouter, ProblemError, uuidSchema, type DocumentedRouter, type RouteSpec } from '../../platform';
import type { BidderAccess } from './bidderAccess';
import type { BidderCommands } from './bidderCommands';
import { answer, pageOf, pageQuery } from './bidderProblems';
import { registrationRoutes } from './registrationRoutes';

interface Deps {
  commands: BidderCommands;
  access: BidderAccess;
  /** Any authenticated user (reads). */
  requireAuth: RequestHandler;
  /** An authenticated user who is not suspended (commands). */
  requireActive: RequestHandler;
  requireAdmin: RequestHandler;
  clock?: () => Date;
}

const eventPosition = {
  'X-Event-Position': 'Where the stream stands after the request: send it as X-Min-Position to read with it',
};
const reasonRequired = { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' } as const;
const standingSchema = {
  type: 'object',
  properties: {
    userId: uuidSchema,
    suspended: { type: 'boolean' },
    position: { type: 'string', description: "Where the user's stream stands" },
  },
  required: ['userId', 'suspended'],
  additionalProperties: false,
} as const;

const blockSpec = (method: 'put' | 'delete'): Omit<RouteSpec, 'tag'> => ({
  method,
  path: '/me/blocked-bidders/:userId',
  params: { userId: uuidSchema },
  operationId: method === 'put' ? 'blockBidder' : 'unblockBidder',
  summary: method === 'put' ? 'Block a bidder from your auctions' : 'Unblock a bidder',
  description:
    method === 'put'
      ? "The bidder's bids and buys on any of your auctions and lots answer 403 BIDDER_BLOCKED (on every instance within a second); bids they placed before stay (cancel them if you wish). Idempotent."
      : 'They may bid on your auctions again. Idempotent: unblocking someone not blocked answers the same.',
  responses: { 204: { description: method === 'put' ? 'Blocked' : 'Not blocked', headers: eventPosition } },
  problems: method === 'put' ? { 422: ['CANNOT_BLOCK_SELF'], 503: ['BUSY'] } : { 503: ['BUSY'] },
});

const adminSpec = (action: 'suspend' | 'reinstate'): Omit<RouteSpec, 'tag'> => ({
  method: 'post',
  path: `/admin/users/:id/${action}`,
  params: { id: uuidSchema },
  operationId: `${action}User`,
  summary: action === 'suspend' ? 'Suspend a user (admin)' : 'Reinstate a suspended user (admin)',
  description:
    action === 'suspend'
      ? "Every command of theirs answers 403 ACCOUNT_SUSPENDED within a second on every instance (tokens issued before included); they may still log in and read. Their bids on open auctions are cancelled by a process manager. Recorded in their stream with the admin's id and the reason. Idempotent."
      : 'They may act (and bid) again; no cancelled bid is restored. Idempotent.',
  body:
    action === 'suspend'
      ? {
          type: 'object',
          properties: { reason: reasonRequired },
          required: ['reason'],
          additionalProperties: false,
        }
      : {
          type: 'object',
          properties: { reason: { type: 'string', maxLength: 500 } },
          additionalProperties: false,
        },
  responses: { 200: { description: 'The user now', schema: standingSchema, headers: eventPosition } },
  problems: { 422: ['CANNOT_SUSPEND_SELF'], 503: ['BUSY'] },
});

const listBlockedSpec = {
  method: 'get',
  path: '/me/blocked-bidders',
  operationId: 'listBlockedBidders',
  summary: 'The bidders you block',
  description: 'Read from your stream: exact, whatever the read models say.',
  query: pageQuery,
  responses: {
    200: {
      description: 'The bidders you block',
      schema: {
        type: 'object',
        properties: {
          items: {
            type: 'array',
            items: {
              type: 'object',
              properties: { userId: uuidSchema },
              required: ['userId'],
              additionalProperties: false,
            },
          },
          nextCursor: { type: ['string', 'null'] },
        },
        required: ['items', 'nextCursor'],
        additionalProperties: false,
      },
    },
  },
} satisfies Omit<RouteSpec, 'tag'>;

/** Blocked bidders, suspension and registrations: who may bid (api.md, "Who may bid"). */
export function bidderRoutes(deps: Deps): DocumentedRouter {
  const { router, route } = apiRouter();
  const now = () => (deps.clock ?? (() => new Date()))();
  const me = (req: Request) => req.auth!.userId;
  const other = (req: Request, param: string) => String(req.params[param]).toLowerCase();
  const block = (type: 'BlockBidder' | 'UnblockBidder') => (req: Request, res: Response) =>
    answer(res, 204, () =>
      deps.commands.account(me(req), me(req), {
        type,
        data: { sellerId: me(req), bidderId: other(req, 'userId') },
        now: now(),
      }),
    );
  const common = { tag: 'Who may bid' };
  route({ ...common, ...blockSpec('put'), guards: [deps.requireActive] }, block('BlockBidder'));
  route({ ...common, ...blockSpec('delete'), guards: [deps.requireActive] }, block('UnblockBidder'));
  route({ ...common, ...listBlockedSpec, guards: [deps.requireAuth] }, async (req, res) => {
    const { blocked } = await deps.access.account(me(req));
    res.json(
      pageOf(
        [...blocked].map((userId) => ({ userId })),
        res.locals.query as { limit?: number },
      ),
    );
  });
  const admin = (action: 'suspend' | 'reinstate') => async (req: Request, res: Response) => {
    const userId = other(req, 'id');
    const { reason } = req.body as { reason?: string };
    if (action === 'suspend' && userId === me(req))
      throw new ProblemError(422, 'CANNOT_SUSPEND_SELF', 'Cannot suspend yourself', 'Ask another admin');
    await answer(res, 200, async () => {
      const reply = await deps.commands.account(
        userId,
        me(req),
        action === 'suspend'
          ? { type: 'SuspendUser', data: { adminId: me(req), reason: reason! }, now: now() }
          : { type: 'ReinstateUser', data: { adminId: me(req), reason: reason ?? null }, now: now() },
      );
      return { userId, suspended: reply.suspended, ...(reply.position ? { position: reply.position } : {}) };
    });
  };
  const adminGuards = [deps.requireAuth, deps.requireAdmin];
  route({ ...common, ...adminSpec('suspend'), guards: adminGuards }, admin('suspend'));
  route({ ...common, ...adminSpec('reinstate'), guards: adminGuards }, admin('reinstate'));
  registrationRoutes({ ...deps, route, now });
  return router;
}
