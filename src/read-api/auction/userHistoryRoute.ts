import type { RequestHandler } from 'express';
import type { Knex } from 'knex';
import {
  PLATFORM_ADMIN_ID,
  type StrikeRecorded,
  type UserReinstated,
  type UserSuspended,
} from '../../bidders';
import type { EventStore } from '../../events';
import { apiRouter, uuidSchema, type DocumentedRouter, type RouteSpec } from '../../platform';
import { POSTGRES_PROJECTION, READ_MODEL_SCHEMA, readStoredCheckpoint } from '../../projections';
import { awaitReadModel, readModelDocs } from '../consistency';

const item = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['suspended', 'reinstated', 'strike', 'bids_cancelled', 'bids_retracted'] },
    at: { type: 'string', format: 'date-time' },
    by: { ...uuidSchema, description: 'The admin, the seller, or the user themselves (a retraction)' },
    reason: { type: ['string', 'null'] },
    auctionId: { ...uuidSchema, description: 'Of cancelled or retracted bids' },
    bids: { type: 'integer', minimum: 1, description: 'How many of their bids went' },
  },
  required: ['kind', 'at', 'by', 'reason'],
  additionalProperties: false,
} as const;

const historySpec = {
  method: 'get',
  path: '/admin/users/:id/history',
  params: { id: uuidSchema },
  operationId: 'userHistory',
  summary: "A user's suspensions, reinstatements and cancelled bids (admin)",
  problems: readModelDocs.problems,
  description:
    "Oldest first, each with who did it, when and why: the suspensions and reinstatements from the user's stream, their bids cancelled or retracted from the read model (X-Min-Position waits for it).",
  responses: {
    200: {
      description: 'The history',
      schema: {
        type: 'object',
        properties: { items: { type: 'array', items: item }, nextCursor: { type: 'null' } },
        required: ['items', 'nextCursor'],
        additionalProperties: false,
      },
    },
  },
} satisfies Omit<RouteSpec, 'tag'>;

interface Row {
  auction_id: string;
  kind: 'cancelled' | 'retracted';
  cancelled_by: string;
  reason: string | null;
  bids: number;
  cancelled_at: Date;
}

/** GET /admin/users/:id/history: the audit trail of who may bid. */
export function userHistoryRoutes(deps: {
  eventStore: EventStore;
  knex: Knex;
  requireAuth: RequestHandler;
  requireRole(...roles: Array<'admin'>): RequestHandler;
}): DocumentedRouter {
  const { router, route } = apiRouter();
  const guards = [deps.requireAuth, deps.requireRole('admin')];
  route({ tag: 'Who may bid', ...historySpec, ...readModelDocs, guards }, async (req, res) => {
    const userId = String(req.params.id).toLowerCase();
    await awaitReadModel(req, res, () => readStoredCheckpoint(deps.knex, POSTGRES_PROJECTION));
    const [recorded, rows] = await Promise.all([
      deps.eventStore.readStream(`user-${userId}`),
      deps
        .knex(`${READ_MODEL_SCHEMA}.bid_cancellations`)
        .where('bidder_id', userId)
        .orderBy('cancelled_at')
        .select<Row[]>('*'),
    ]);
    type Item = {
      kind: 'suspended' | 'reinstated' | 'strike';
      at: string;
      by: string;
      reason: string | null;
    };
    const account = recorded.flatMap((e): Item[] => {
      if (e.type === 'UserSuspended') {
        const { adminId, reason, suspendedAt } = e.data as UserSuspended;
        return [{ kind: 'suspended', at: suspendedAt, by: adminId, reason }];
      }
      if (e.type === 'UserReinstated') {
        const { adminId, reason, reinstatedAt } = e.data as UserReinstated;
        return [{ kind: 'reinstated', at: reinstatedAt, by: adminId, reason }];
      }
      if (e.type === 'StrikeRecorded') {
        // By the platform: an invoice left unpaid past its deadline.
        const { invoiceId, strikes, recordedAt } = e.data as StrikeRecorded;
        return [
          {
            kind: 'strike',
            at: recordedAt,
            by: PLATFORM_ADMIN_ID,
            reason: `invoice ${invoiceId} overdue (strike ${strikes})`,
          },
        ];
      }
      return [];
    });
    const cancelled = rows.map((r) => ({
      kind: r.kind === 'retracted' ? ('bids_retracted' as const) : ('bids_cancelled' as const),
      at: r.cancelled_at.toISOString(),
      by: r.cancelled_by,
      reason: r.reason,
      auctionId: r.auction_id,
      bids: r.bids,
    }));
    const items = [...account, ...cancelled].sort((a, b) => a.at.localeCompare(b.at));
    res.json({ items, nextCursor: null });
  });
  return router;
}
