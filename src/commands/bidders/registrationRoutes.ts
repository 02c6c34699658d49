import type { Request, RequestHandler, Response } from 'express';
import { isPosition } from '../../events';
import { apiRouter, ProblemError, uuidSchema, validationProblem, type RouteSpec } from '../../platform';
import { BidderRuleError } from '../../bidders';
import type { BidderAccess } from './bidderAccess';
import type { BidderCommands } from './bidderCommands';
import { answer, bidderProblem, pageOf, pageQuery } from './bidderProblems';

interface Deps {
  commands: BidderCommands;
  access: BidderAccess;
  requireAuth: RequestHandler;
  requireActive: RequestHandler;
  route: ReturnType<typeof apiRouter>['route'];
  now(): Date;
}

const registration = {
  type: 'object',
  properties: {
    saleId: uuidSchema,
    userId: uuidSchema,
    status: { type: 'string', enum: ['pending', 'approved', 'declined'] },
    requestedAt: { type: 'string', format: 'date-time' },
    decidedAt: { type: ['string', 'null'], format: 'date-time' },
    reason: { type: ['string', 'null'], description: "The seller's reason for a decline" },
    position: { type: 'string', description: "Where the sale's registrations stream stands" },
  },
  required: ['saleId', 'userId', 'status', 'requestedAt', 'decidedAt', 'reason'],
  additionalProperties: false,
} as const;
const list = {
  type: 'object',
  properties: { items: { type: 'array', items: registration }, nextCursor: { type: ['string', 'null'] } },
  required: ['items', 'nextCursor'],
  additionalProperties: false,
} as const;
const saleParams = { id: uuidSchema };

const specs = {
  request: {
    method: 'post',
    path: '/sales/:id/registrations',
    params: saleParams,
    operationId: 'requestRegistration',
    summary: 'Ask to bid in a sale that requires approval',
    description:
      "Records the caller's request (pending) for the seller to answer. Asking again while pending or approved answers the registration as it is; a declined bidder may ask again.",
    body: { type: 'object', properties: {}, additionalProperties: false },
    responses: { 201: { description: 'The registration', schema: registration } },
    problems: {
      404: ['SALE_NOT_FOUND'],
      422: ['APPROVAL_NOT_REQUIRED', 'SELLER_CANNOT_REGISTER', 'SALE_CLOSED'],
      503: ['BUSY'],
    },
  },
  list: {
    method: 'get',
    path: '/sales/:id/registrations',
    params: saleParams,
    query: pageQuery,
    operationId: 'listSaleRegistrations',
    summary: "A sale's registrations (its seller)",
    description: 'In the order the bidders first asked; read from the sale\u2019s registrations stream.',
    responses: { 200: { description: 'Registrations', schema: list } },
    problems: { 403: ['NOT_SELLER'], 404: ['SALE_NOT_FOUND'] },
  },
  mine: {
    method: 'get',
    path: '/me/registrations',
    query: pageQuery,
    operationId: 'listMyRegistrations',
    summary: 'Your registrations, newest first',
    description: 'Pending, approved and declined, with the seller\u2019s reason for a decline.',
    headers: [
      {
        name: 'X-Min-Position',
        description:
          'Answer only once this position (a registration reply\u2019s) is included (at most 5 s, else 503)',
        schema: { type: 'string' },
      },
    ],
    responses: {
      200: {
        description: 'Registrations',
        schema: list,
        headers: { 'X-Projection-Position': 'The log position this answer reflects' },
      },
    },
    problems: { 503: ['PROJECTION_LAGGING'] },
  },
} satisfies Record<string, Omit<RouteSpec, 'tag'>>;

const answerSpec = (action: 'approve' | 'decline'): Omit<RouteSpec, 'tag'> => ({
  method: 'post',
  path: `/sales/:id/registrations/:userId/${action}`,
  params: { ...saleParams, userId: uuidSchema },
  operationId: `${action}Registration`,
  summary: action === 'approve' ? 'Approve a bidder for your sale' : 'Decline a bidder for your sale',
  description:
    action === 'approve'
      ? 'They may bid on its lots at once, on every instance. Answering the same again changes nothing.'
      : 'Their bids on its lots answer 403 BIDDER_NOT_APPROVED. Answering the same again changes nothing.',
  body: {
    type: 'object',
    properties: action === 'decline' ? { reason: { type: 'string', maxLength: 500 } } : {},
    additionalProperties: false,
  },
  responses: { 200: { description: 'The registration', schema: registration } },
  problems: { 403: ['NOT_SELLER'], 404: ['SALE_NOT_FOUND', 'REGISTRATION_NOT_FOUND'], 503: ['BUSY'] },
});

/** The registrations of sales that require approval (api.md, "Who may bid"). */
export function registrationRoutes(deps: Deps) {
  const { route, commands } = deps;
  const common = { tag: 'Who may bid' };
  const saleOf = (req: Request) => String(req.params.id).toLowerCase();
  const me = (req: Request) => req.auth!.userId;
  route({ ...common, ...specs.request, guards: [deps.requireActive] }, (req, res) =>
    answer(res, 201, () =>
      commands.registration(saleOf(req), me(req), (sale) => ({
        type: 'RequestRegistration',
        data: { userId: me(req), sale },
        now: deps.now(),
      })),
    ),
  );
  const decide = (action: 'approve' | 'decline') => (req: Request, res: Response) => {
    const userId = String(req.params.userId).toLowerCase();
    const by = me(req);
    const reason = (req.body as { reason?: string }).reason ?? null;
    return answer(res, 200, () =>
      commands.registration(saleOf(req), by, (sale) =>
        action === 'approve'
          ? { type: 'ApproveRegistration', data: { userId, by, sale }, now: deps.now() }
          : { type: 'DeclineRegistration', data: { userId, by, reason, sale }, now: deps.now() },
      ),
    );
  };
  route({ ...common, ...answerSpec('approve'), guards: [deps.requireActive] }, decide('approve'));
  route({ ...common, ...answerSpec('decline'), guards: [deps.requireActive] }, decide('decline'));
  route({ ...common, ...specs.list, guards: [deps.requireAuth] }, async (req, res) => {
    const saleId = saleOf(req);
    let held: Awaited<ReturnType<BidderCommands['registrationsOf']>>;
    try {
      held = await commands.registrationsOf(saleId);
    } catch (error) {
      throw bidderProblem(error);
    }
    if (held.sale.sellerId !== me(req))
      throw bidderProblem(new BidderRuleError('NOT_SELLER', "Only the sale's seller sees its registrations"));
    const items = held.items.map((r) => ({ ...r, saleId }));
    res.json(pageOf(items, res.locals.query as { limit?: number; cursor?: string }));
  });
  route({ ...common, ...specs.mine, guards: [deps.requireAuth] }, async (req, res) => {
    await deps.access.ready;
    const min = req.get('X-Min-Position');
    if (min !== undefined && !isPosition(min))
      throw validationProblem([
        { field: 'header.X-Min-Position', message: 'must be a position from a reply' },
      ]);
    if (min !== undefined && !(await deps.access.reached(min)))
      throw new ProblemError(503, 'PROJECTION_LAGGING', 'Projection lagging', 'Not caught up yet', {
        retryAfter: 1,
      });
    res.setHeader('X-Projection-Position', deps.access.position() ?? '');
    res.json(pageOf(deps.access.index.registrationsOf(me(req)), res.locals.query as { limit?: number }));
  });
}
