/**
 * The API client: openapi-fetch over the types generated from /openapi.json, so a contract change
 * that breaks a page fails the typecheck. Every read is asked at least as far along the log as
 * the page has seen (X-Min-Position): the page reads its own writes and never goes back in time
 * from one route or read model to the next.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { Problem, paths } from './types';
import { session } from './session';
import { problemText } from './format';

export type {
  AuctionView,
  Bid,
  HistoryItem,
  Invoice,
  InvoiceItem,
  Notification,
  Offer,
  Problem,
  Registration,
  Reply,
  SaleView,
  Schemas,
  paths,
} from './types';

let lastPosition: string | undefined;

/** A log position the page has seen (a command's reply, a read's header, a live event). */
export function sawPosition(position: unknown) {
  if (typeof position === 'string' && position && (!lastPosition || position > lastPosition))
    lastPosition = position;
}

const consistency: Middleware = {
  onRequest({ request }) {
    if (session.token) request.headers.set('Authorization', `Bearer ${session.token}`);
    if (request.method === 'GET' && lastPosition) request.headers.set('X-Min-Position', lastPosition);
    return request;
  },
  onResponse({ request, response }) {
    sawPosition(response.headers.get('X-Projection-Position'));
    sawPosition(response.headers.get('X-Event-Position'));
    // A token the server no longer takes (expired, or signed with an old key): sign out.
    if (response.status === 401 && session.token && !request.url.includes('/auth/')) session.clear();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin });
api.use(consistency);

/** A request the API refused, carrying its problem. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }
}

/** The data of a reply, or an ApiError with its problem. */
export async function ok<T>(reply: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await reply;
  if (!response.ok || data === undefined) throw new ApiError(response.status, error as Problem | undefined);
  // A command's reply names where the log stands after it: the next read waits for that.
  sawPosition((data as { position?: unknown }).position);
  return data;
}

/** A fresh key per attempt of a command (a retry of the same attempt reuses it). */
export const idempotencyKey = () => ({ 'Idempotency-Key': crypto.randomUUID() });

/** For replies without a body (204): throws an ApiError when refused. */
export async function done(reply: Promise<{ error?: unknown; response: Response }>): Promise<void> {
  const { error, response } = await reply;
  if (!response.ok) throw new ApiError(response.status, error as Problem | undefined);
}

/** A failed request as one sentence for a person (its problem, or the error's own message). */
export const failureText = (error: unknown, currency?: string) =>
  problemText(error instanceof ApiError ? error.problem : undefined, currency, (error as Error).message);
