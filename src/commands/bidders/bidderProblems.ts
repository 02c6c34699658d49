import { BidderRuleError, type BidderRuleCode } from '../../bidders';
import { ProblemError } from '../../platform';
import { commandProblem } from '../auction/http/commandProblem';

/** How each rule of who may bid answers over HTTP: a new code without a line here does not compile. */
const BIDDER_PROBLEMS: Record<BidderRuleCode, { status: number; title: string }> = {
  CANNOT_BLOCK_SELF: { status: 422, title: 'Cannot block yourself' },
  APPROVAL_NOT_REQUIRED: { status: 422, title: 'Approval not required' },
  SELLER_CANNOT_REGISTER: { status: 422, title: 'Seller cannot register' },
  REGISTRATION_NOT_FOUND: { status: 404, title: 'Registration not found' },
  NOT_SELLER: { status: 403, title: 'Not the seller' },
  SALE_NOT_FOUND: { status: 404, title: 'Sale not found' },
  SALE_CLOSED: { status: 422, title: 'Sale closed' },
  ACCOUNT_ERASED: { status: 410, title: 'Account deleted' },
};

export function bidderProblem(error: unknown): unknown {
  if (!(error instanceof BidderRuleError)) return commandProblem(error);
  const { status, title } = BIDDER_PROBLEMS[error.code];
  return new ProblemError(status, error.code, title, error.message);
}

/** Runs a command and answers its reply with `status`, or the problem it maps to. */
export async function answer<T>(res: import('express').Response, status: number, run: () => Promise<T>) {
  let reply: T;
  try {
    reply = await run();
  } catch (error) {
    throw bidderProblem(error);
  }
  const position = (reply as { position?: string }).position;
  if (position) res.setHeader('X-Event-Position', position);
  if (status === 204) res.status(204).end();
  else res.status(status).json(reply);
}

/** A page of a list held in memory: `limit` items after the opaque `cursor`. */
export function pageOf<T>(items: T[], query: { limit?: number; cursor?: string }) {
  const limit = query.limit ?? 50;
  const from = query.cursor ? Number(query.cursor) : 0;
  const page = items.slice(from, from + limit);
  return { items: page, nextCursor: from + limit < items.length ? String(from + limit) : null };
}

export const pageQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: {
      type: 'string',
      pattern: '^(0|[1-9][0-9]{0,8})$',
      description: 'nextCursor of the page before',
    },
  },
  additionalProperties: false,
} as const;
