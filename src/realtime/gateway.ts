import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { AuctionView, ChangeMessage } from '../projections';
import { errorFrame, eventFrame, parseClientMessage } from './protocol';

export interface Step {
  revision: number;
  /** The message, encoded once for every subscriber. */
  frame: string | Buffer;
}

export interface GatewayDeps {
  server: Server;
  logger: Logger;
  /** The user of a token, or undefined when it is not valid. */
  verifyToken(token: string): { userId: string } | undefined;
  /** The auction's public view as the read model has it now. */
  currentView(auctionId: string): Promise<AuctionView | undefined>;
  /** Frames of the auction's events after `after` up to `upTo`, from the event store. */
  history(auctionId: string, after: number, upTo: number): Promise<Step[]>;
  limits?: Partial<typeof DEFAULT_LIMITS>;
  onConnectionsChanged?(open: number): void;
  onMessageSent?(): void;
  onMessageReceived?(): void;
}

export const DEFAULT_LIMITS = {
  maxSubscriptions: 100,
  /** Larger messages get an error reply; the connection stays. */
  maxMessageBytes: 4096,
  /** Larger frames close the connection (1009): nobody needs them. */
  maxPayloadBytes: 64 * 1024,
  /** A client that lets this much pile up unread is closed with 1013. */
  maxBufferedBytes: 1024 * 1024,
  pingIntervalMs: 30_000,
  /** Messages a client may send: a bucket of `messageBurst` refilled at this rate. */
  messagesPerSecond: 100,
  messageBurst: 200,
};

interface Subscription {
  ws: Client;
  auctionId: string;
  lastRevision: number;
  ready: boolean;
  buffer: Step[];
}

interface Client extends WebSocket {
  subscriptions: Map<string, Subscription>;
  alive: boolean;
  /** Token bucket of the messages this client may still send, and when it was last refilled. */
  allowance: number;
  refilledAt: number;
  /** When it was last told it is over the limit (at most once a second). */
  limitedAt: number;
}

/**
 * The WebSocket gateway at /ws. Rooms per auction; live updates come from the change feed (so
 * they are pushed after the read model shows them), serialised once per event and instance.
 * Each subscription tracks the last revision it sent: a duplicate is dropped, a gap is filled
 * from the event store before anything newer is sent.
 */
export function realtimeGateway(deps: GatewayDeps) {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxPayloadBytes,
    perMessageDeflate: false,
  });
  const rooms = new Map<string, Set<Subscription>>();
  let closing = false;
  let slowClosed = 0;

  const send = (ws: Client, frame: string | Buffer) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > limits.maxBufferedBytes) {
      // The close frame queues behind what is unread; a client that never reads is cut off.
      ws.close(1013, 'too slow: messages are piling up unread');
      slowClosed++;
      setTimeout(() => ws.terminate(), 5000).unref();
      return;
    }
    ws.send(frame, { binary: false });
    deps.onMessageSent?.();
  };

  const deliver = (sub: Subscription, step: Step) => {
    if (!sub.ready) return void sub.buffer.push(step);
    if (step.revision <= sub.lastRevision) return;
    if (step.revision !== sub.lastRevision + 1) {
      sub.buffer.push(step);
      return void resync(sub);
    }
    sub.lastRevision = step.revision;
    send(sub.ws, step.frame);
  };

  /** Sends what the subscription missed from the event store, up to what the read model has, then its buffer. */
  const resync = async (sub: Subscription) => {
    sub.ready = false;
    try {
      const view = await deps.currentView(sub.auctionId);
      const upTo = view?.revision ?? sub.lastRevision;
      for (const step of await deps.history(sub.auctionId, sub.lastRevision, upTo)) {
        if (step.revision === sub.lastRevision + 1) {
          sub.lastRevision = step.revision;
          send(sub.ws, step.frame);
        }
      }
    } catch (error) {
      deps.logger.warn({ err: error, auctionId: sub.auctionId }, 'websocket resync failed; retrying');
    }
    flush(sub, true);
  };

  /** Sends the buffer in order; a gap left after a resync is retried a little later, not at once. */
  const flush = (sub: Subscription, afterResync = false) => {
    sub.ready = true;
    const buffered = sub.buffer.sort((a, b) => a.revision - b.revision);
    sub.buffer = [];
    for (const step of buffered) {
      if (step.revision <= sub.lastRevision) continue;
      if (step.revision !== sub.lastRevision + 1) {
        sub.buffer = buffered.filter((s) => s.revision > sub.lastRevision);
        sub.ready = false;
        if (afterResync)
          setTimeout(() => sub.ws.readyState === WebSocket.OPEN && void resync(sub), 200).unref();
        else void resync(sub);
        return;
      }
      sub.lastRevision = step.revision;
      send(sub.ws, step.frame);
    }
  };

  const leave = (sub: Subscription) => {
    const room = rooms.get(sub.auctionId);
    room?.delete(sub);
    if (room?.size === 0) rooms.delete(sub.auctionId);
    sub.ws.subscriptions.delete(sub.auctionId);
  };

  const subscribe = async (ws: Client, auctionId: string, afterRevision: number | undefined) => {
    if (ws.subscriptions.has(auctionId))
      return send(ws, errorFrame('ALREADY_SUBSCRIBED', 'Already subscribed', auctionId));
    if (ws.subscriptions.size >= limits.maxSubscriptions) {
      return send(
        ws,
        errorFrame('TOO_MANY_SUBSCRIPTIONS', `At most ${limits.maxSubscriptions} subscriptions`, auctionId),
      );
    }
    // Join first, buffering: whatever arrives while we read the view is kept, not lost.
    const sub: Subscription = { ws, auctionId, lastRevision: -1, ready: false, buffer: [] };
    ws.subscriptions.set(auctionId, sub);
    let room = rooms.get(auctionId);
    if (!room) rooms.set(auctionId, (room = new Set()));
    room.add(sub);
    try {
      const view = await deps.currentView(auctionId);
      if (!view) {
        leave(sub);
        return send(ws, errorFrame('AUCTION_NOT_FOUND', 'No such auction', auctionId));
      }
      if (ws.subscriptions.get(auctionId) !== sub) return; // unsubscribed meanwhile
      send(
        ws,
        JSON.stringify({
          type: 'subscribed',
          auctionId,
          auction: view,
          serverTime: new Date().toISOString(),
        }),
      );
      sub.lastRevision = view.revision;
      if (afterRevision !== undefined && afterRevision < view.revision) {
        sub.lastRevision = afterRevision;
        for (const step of await deps.history(auctionId, afterRevision, view.revision)) {
          if (step.revision !== sub.lastRevision + 1) continue;
          sub.lastRevision = step.revision;
          send(ws, step.frame);
        }
      }
      flush(sub);
    } catch (error) {
      leave(sub);
      deps.logger.warn({ err: error, auctionId }, 'websocket subscribe failed');
      send(ws, errorFrame('UNAVAILABLE', 'Cannot subscribe right now; retry shortly', auctionId));
    }
  };

  /** Takes one message from the client's bucket; false when it is empty. */
  const allowed = (ws: Client, now: number) => {
    ws.allowance = Math.min(
      limits.messageBurst,
      ws.allowance + ((now - ws.refilledAt) / 1000) * limits.messagesPerSecond,
    );
    ws.refilledAt = now;
    if (ws.allowance < 1) return false;
    ws.allowance -= 1;
    return true;
  };

  const onMessage = (ws: Client, data: RawData, isBinary: boolean) => {
    deps.onMessageReceived?.();
    const now = Date.now();
    if (!allowed(ws, now)) {
      // Dropped, and said so at most once a second: the error must not amplify a flood.
      if (now - ws.limitedAt < 1000) return;
      ws.limitedAt = now;
      return send(ws, errorFrame('RATE_LIMITED', `At most ${limits.messagesPerSecond} messages per second`));
    }
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (isBinary) return send(ws, errorFrame('BINARY_NOT_SUPPORTED', 'Send JSON text messages'));
    if (size > limits.maxMessageBytes)
      return send(ws, errorFrame('MESSAGE_TOO_LARGE', `At most ${limits.maxMessageBytes} bytes`));
    const parsed = parseClientMessage(data.toString());
    if (!parsed.ok) return send(ws, errorFrame(parsed.code, parsed.message));
    const message = parsed.message;
    if (message.type === 'ping') return send(ws, '{"type":"pong"}');
    const auctionId = message.auctionId.toLowerCase();
    if (message.type === 'unsubscribe') {
      const sub = ws.subscriptions.get(auctionId);
      if (sub) leave(sub);
      return send(ws, JSON.stringify({ type: 'unsubscribed', auctionId }));
    }
    void subscribe(ws, auctionId, message.afterRevision);
  };

  const reject = (socket: Duplex, status: number, reason: string) => {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') return reject(socket, 404, 'Not Found');
    if (closing) return reject(socket, 503, 'Service Unavailable');
    const header = req.headers.authorization;
    const token =
      url.searchParams.get('token') ?? (header?.startsWith('Bearer ') ? header.slice(7) : undefined);
    if (token !== undefined && !deps.verifyToken(token)) return reject(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (raw) => {
      const ws = raw as Client;
      ws.subscriptions = new Map();
      ws.alive = true;
      ws.allowance = limits.messageBurst;
      ws.refilledAt = Date.now();
      ws.limitedAt = 0;
      ws.on('pong', () => (ws.alive = true));
      ws.on('message', (data, isBinary) => onMessage(ws, data, isBinary));
      ws.on('close', () => {
        for (const sub of [...ws.subscriptions.values()]) leave(sub);
        deps.onConnectionsChanged?.(wss.clients.size);
      });
      ws.on('error', () => ws.terminate());
      deps.onConnectionsChanged?.(wss.clients.size);
    });
  };
  deps.server.on('upgrade', onUpgrade);

  // Protocol pings: a connection that did not answer the last one is dead.
  const pinger = setInterval(() => {
    for (const raw of wss.clients) {
      const ws = raw as Client;
      if (!ws.alive) {
        ws.terminate();
        continue;
      }
      ws.alive = false;
      ws.ping();
    }
  }, limits.pingIntervalMs);
  pinger.unref();

  return {
    /** A batch from the change feed: every event, with the view after it, to its room. */
    onChange(message: ChangeMessage) {
      for (const auction of message.auctions) {
        const room = rooms.get(auction.auctionId);
        if (!room || room.size === 0) continue;
        for (const { event, view } of auction.events) {
          const step = {
            revision: event.revision,
            frame: Buffer.from(eventFrame(auction.auctionId, JSON.stringify(event), JSON.stringify(view))),
          };
          for (const sub of room) deliver(sub, step);
        }
      }
    },
    /** The feed may have lost messages: every subscription checks the event store. */
    onFeedReset() {
      for (const room of rooms.values()) for (const sub of room) if (sub.ready) void resync(sub);
    },
    connections: () => wss.clients.size,
    /** Connections closed with 1013 for reading too slowly, since start. */
    slowClosed: () => slowClosed,
    /** Refuses new connections and closes the open ones with 1001 (going away). */
    async close() {
      closing = true;
      clearInterval(pinger);
      deps.server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      const deadline = Date.now() + 2000;
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

export type RealtimeGateway = ReturnType<typeof realtimeGateway>;
