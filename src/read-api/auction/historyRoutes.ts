import { once } from 'node:events';
import type { RequestHandler } from 'express';
import {
  auctionEventSchemas,
  auctionStreamId,
  foldAuction,
  foldStep,
  isSealed,
  type AuctionState,
  auctionViewSchema,
  toAuctionView,
  viewFor,
} from '../../auction';
import { isPosition, type EventStore } from '../../events';
import {
  ProblemError,
  apiRouter,
  validationProblem,
  type DocumentedRouter,
  type RouteSpec,
} from '../../platform';
import { publicEvent, publicEventSchema, publicEventSchemas } from '../../projections';
import { getLogUpcaster } from './logUpcaster';
import { auctionIdParam } from '../queryCommon';

const EVENT_TYPES = Object.keys(auctionEventSchemas);

export const stateQuerySchema = {
  type: 'object',
  properties: {
    at: { type: 'string', format: 'date-time' },
    revision: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  },
  additionalProperties: false,
} as const;

export const eventsQuerySchema = {
  type: 'object',
  properties: {
    after: { type: 'string', maxLength: 100 },
    types: { type: 'string', maxLength: 500 },
    limit: { type: 'integer', minimum: 1, maximum: 10_000_000 },
  },
  additionalProperties: false,
} as const;

export const streamEventsSchema = {
  type: 'object',
  // The whole stream: as long as the auction's history (no page), bounded only by the revision type.
  properties: { items: { type: 'array', maxItems: Number.MAX_SAFE_INTEGER, items: publicEventSchema } },
  required: ['items'],
} as const;

/** One line of the NDJSON log: a public event (typed by `type`) with its stream and metadata. */
export const logLineSchema = {
  description: 'One line of the NDJSON stream: a public event with its stream and metadata',
  oneOf: Object.values(publicEventSchemas).map((event) => ({
    ...event,
    properties: {
      stream: { type: 'string', description: 'auction-<auctionId>' },
      ...(event.properties as object),
      metadata: { type: 'object', description: 'commandId, userId, correlationId, ...' },
    },
    required: ['stream', ...(event.required as string[]), 'metadata'],
  })),
};

/** Whether an auction is sealed and not closed: its sealed bids show neither bidder nor amount. */
const sealedUntilClose = (state: AuctionState) =>
  state !== null && isSealed(state) && state.status !== 'closed';

/** Per export: whether each auction stream is sealed and open now (read once, on its first sealed bid). */
function sealedAuctions(eventStore: EventStore) {
  const known = new Map<string, Promise<boolean>>();
  return (streamId: string) => {
    let answer = known.get(streamId);
    if (!answer) {
      answer = eventStore.readStream(streamId).then((events) => sealedUntilClose(foldAuction(events).state));
      known.set(streamId, answer);
    }
    return answer;
  };
}

interface Deps {
  eventStore: EventStore;
  requireAuth: RequestHandler;
  requireRole: (...roles: Array<'analyst' | 'admin'>) => RequestHandler;
  pageSize?: number;
}

const notFound = { 404: ['AUCTION_NOT_FOUND'] };

/** An auction's stream, or the 404 of an auction the log does not hold. */
const streamReader = (eventStore: EventStore) => async (id: string) => {
  const events = await eventStore.readStream(auctionStreamId(auctionIdParam(id)));
  if (events.length === 0)
    throw new ProblemError(404, 'AUCTION_NOT_FOUND', 'Auction not found', 'No such auction');
  return events;
};
type StreamOf = ReturnType<typeof streamReader>;

const streamEventsSpec = {
  method: 'get',
  path: '/auctions/:id/events',
  operationId: 'getAuctionEvents',
  summary: "An auction's whole stream, in order",
  description:
    "The auction's whole stream in order, in today's shape (older shapes are upcast on read), without the reserve or any bidder's ceiling.",
  responses: { 200: { description: 'The events', schema: streamEventsSchema } },
  problems: notFound,
} satisfies Omit<RouteSpec, 'tag'>;

const streamEvents =
  (streamOf: StreamOf): RequestHandler =>
  async (req, res) => {
    let state: AuctionState = null;
    const steps = (await streamOf(String(req.params.id))).map((recorded) => {
      const step = foldStep(state, recorded); // today's shape of every event
      state = step.state;
      return step.event;
    });
    const sealed = sealedUntilClose(state);
    res.json({ items: steps.map((event) => publicEvent(event, sealed)) });
  };

const auctionStateSpec = {
  method: 'get',
  path: '/auctions/:id/state',
  operationId: 'getAuctionState',
  summary: 'The auction as it stood at a time or a revision, folded from its events',
  description:
    'The auction as it stood at a time (`at`) or after a revision (`revision`), folded from its events with the same `evolve` the command side uses.',
  query: stateQuerySchema,
  responses: { 200: { description: 'The auction then', schema: auctionViewSchema } },
  problems: notFound,
} satisfies Omit<RouteSpec, 'tag'>;

const auctionState =
  (streamOf: StreamOf): RequestHandler =>
  async (req, res) => {
    const q = res.locals.query as { at?: string; revision?: number };
    if (q.at !== undefined && q.revision !== undefined) {
      throw validationProblem([{ field: 'query', message: 'give at or revision, not both' }]);
    }
    const at = q.at === undefined ? undefined : Date.parse(q.at);
    if (at !== undefined && Number.isNaN(at))
      throw validationProblem([{ field: 'query.at', message: 'must be a valid time' }]);
    const events = await streamOf(String(req.params.id));
    const { state, revision } = foldAuction(events, { at, revision: q.revision });
    if (!state)
      throw new ProblemError(404, 'AUCTION_NOT_FOUND', 'Auction not found', 'The auction did not exist then');
    const asOf = at ?? events[revision]!.recordedAt.getTime();
    res.json(viewFor(toAuctionView(state, revision, asOf), req.auth?.userId));
  };

const exportSpec = {
  method: 'get',
  path: '/events',
  operationId: 'exportEvents',
  summary: 'The global log as NDJSON, one event per line in global order',
  description:
    'The global log as NDJSON, one public event per line in log order, from `after`, optionally only some `types`; streamed as the client reads.',
  query: eventsQuerySchema,
  responses: {
    200: {
      description: 'Streamed events: one LogLine JSON object per line',
      contentType: 'application/x-ndjson',
      itemSchema: logLineSchema,
    },
  },
} satisfies Omit<RouteSpec, 'tag'>;

/** The `types` of a query, each one the log knows (else 400). */
function typesOf(q: { types?: string }): string[] | undefined {
  const types = q.types ? q.types.split(',').map((t) => t.trim()) : undefined;
  const unknown = types?.filter((t) => !EVENT_TYPES.includes(t)) ?? [];
  if (unknown.length)
    throw validationProblem([{ field: 'query.types', message: `unknown types: ${unknown.join(', ')}` }]);
  return types;
}

const exportLog =
  (eventStore: EventStore, pageSize: number): RequestHandler =>
  async (req, res) => {
    const q = res.locals.query as { after?: string; types?: string; limit?: number };
    if (q.after !== undefined && !isPosition(q.after)) {
      throw validationProblem([{ field: 'query.after', message: 'must be a position' }]);
    }
    const types = typesOf(q);
    res.status(200).type('application/x-ndjson');
    let closed = false;
    req.on('close', () => (closed = true));
    let after = q.after;
    let sent = 0;
    const limit = q.limit ?? Number.POSITIVE_INFINITY;
    const upcast = getLogUpcaster(eventStore);
    const sealed = sealedAuctions(eventStore);
    // Pages from the log, written as the client reads: a slow client pauses the reading.
    while (!closed && sent < limit) {
      const page = await eventStore.readAll({ after, limit: pageSize });
      if (page.length === 0) break;
      for (const recorded of page) {
        after = recorded.position;
        const e = await upcast(recorded);
        if (types && !types.includes(e.type)) continue;
        const hidden =
          (e.type === 'SealedBidPlaced' || e.type === 'BidCancelled') && (await sealed(e.streamId));
        // A sealed bid's metadata names its bidder (userId): not until the close either.
        const { userId: _bidder, ...anonymous } = e.metadata as Record<string, unknown>;
        const metadata = hidden ? anonymous : e.metadata;
        const line = JSON.stringify({ stream: e.streamId, ...publicEvent(e, hidden), metadata });
        if (!res.write(`${line}\n`)) await Promise.race([once(res, 'drain'), once(req, 'close')]);
        if (++sent >= limit || closed) break;
      }
    }
    res.end();
  };

/** History for analysts: an auction's events, its state at a time or revision, the global log as NDJSON. */
export function historyRoutes({
  eventStore,
  requireAuth,
  requireRole,
  pageSize = 1000,
}: Deps): DocumentedRouter {
  const { router, route } = apiRouter();
  const common = { tag: 'History', guards: [requireAuth, requireRole('analyst', 'admin')] };
  const streamOf = streamReader(eventStore);
  route({ ...common, ...streamEventsSpec }, streamEvents(streamOf));
  route({ ...common, ...auctionStateSpec }, auctionState(streamOf));
  route({ ...common, ...exportSpec }, exportLog(eventStore, pageSize));
  return router;
}
