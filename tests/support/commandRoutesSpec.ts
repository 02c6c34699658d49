/**
 * A given/when/then specification for HTTP command routes, over the in-memory event store (it
 * passes the same contract suite as the real ones) and the real express shell, validation,
 * tokens and problems: no database, no Redis. Given these events, when this request, then this
 * reply and these new events. Every command route is specified with it; a new one copies it.
 */
import request from 'supertest';
import { getJwtAuth, getTokenIssuer } from '../../src/auth';
import {
  commandRoutes,
  getCommandHandler,
  getPlaceBid,
  getSaleCommands,
  getWatchlistCommands,
  saleCommandRoutes,
  watchlistCommandRoutes,
} from '../../src/commands';
import { getInMemoryEventStore, type NewEvent, type RecordedEvent } from '../../src/events';
import { createHttpApp, createLogger, memoryBlobStore } from '../../src/platform';

export function commandRoutesSpec(options: { now: Date }) {
  const eventStore = getInMemoryEventStore();
  const handler = getCommandHandler({ eventStore });
  const blobs = memoryBlobStore();
  const tokens = getTokenIssuer('spec-secret-0123456789abcdef0123456789', 600);
  const { requireAuth } = getJwtAuth(tokens.key);
  const clock = () => options.now;
  const app = createHttpApp({
    logger: createLogger('silent'),
    routers: [
      commandRoutes({
        handler,
        placeBid: getPlaceBid({ handler, clock }),
        requireAuth,
        clock,
        photos: { eventStore, blobs },
        eventStore,
      }),
      watchlistCommandRoutes({ commands: getWatchlistCommands(eventStore), requireAuth, clock }),
      saleCommandRoutes({ commands: getSaleCommands(eventStore, handler), requireAuth, clock }),
    ],
  });
  let seen = 0;
  const newEvents = async (): Promise<RecordedEvent[]> => {
    const all = await eventStore.readAll({ limit: 100_000 });
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };

  return {
    /** Where the routes keep files (photos). */
    blobs,
    /** The log before the request: each stream's events, appended as recorded. */
    async given(streams: Record<string, Array<Pick<NewEvent, 'type' | 'data'>>>) {
      for (const [streamId, events] of Object.entries(streams))
        await eventStore.appendToStream(streamId, events, { expectedRevision: 'any' });
      await newEvents();
    },
    /** The request, as the user `as` (a user id with a valid token) or anonymous. */
    async when(
      method: 'post' | 'put' | 'delete',
      path: string,
      req: { as?: string; body?: unknown; headers?: Record<string, string> } = {},
    ) {
      let call = request(app)[method](path);
      if (req.as)
        call = call.set('Authorization', `Bearer ${tokens.issue({ sub: req.as, roles: ['bidder'] })}`);
      for (const [name, value] of Object.entries(req.headers ?? {})) call = call.set(name, value);
      const res = req.body === undefined ? await call : await call.send(req.body as object);
      const events = (await newEvents()).map((e) => ({ stream: e.streamId, type: e.type, data: e.data }));
      return { status: res.status, body: res.body as Record<string, unknown>, headers: res.headers, events };
    },
  };
}
