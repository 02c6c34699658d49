import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { ChangeMessage } from '../projections';
import { DEFAULT_LIMITS, type Connection, type GatewayDeps, type Subscription } from './gatewayOptions';
import type { NotificationMessage } from '../notifications';
import { getMeChannel, onMeMessage } from './meChannel';
import { PONG_FRAME, errorFrame, eventFrame, parseClientMessage, reject, upgradeToken } from './protocol';
import { subscribedFrame, unsubscribedFrame } from './protocol';
import {
  continueWith,
  newSequence,
  offer,
  release,
  startingRevision,
  type Release,
  type Step,
} from './revisionSequence';
import { fullBucket, take } from './tokenBucket';

export type { Step } from './revisionSequence';

/**
 * The WebSocket gateway at /ws. Rooms per auction; live updates come from the change feed (so
 * they are pushed after the read model shows them), serialised once per event and instance.
 * Each subscription tracks the last revision it sent: a duplicate is dropped, a gap is filled
 * from the event store before anything newer is sent.
 */
export function getRealtimeGateway(deps: GatewayDeps) {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxPayloadBytes,
    perMessageDeflate: false,
  });
  const rooms = new Map<string, Set<Subscription>>();
  const connections = new WeakMap<WebSocket, Connection>();
  let closing = false;
  let slowClosed = 0;

  const send = (ws: WebSocket, frame: string | Buffer) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > limits.maxBufferedBytes) {
      // The close frame queues behind what is unread; a client that never reads is cut off.
      ws.close(1013, 'too slow: messages are piling up unread');
      slowClosed++;
      setTimeout(() => ws.terminate(), 5000).unref();
      return;
    }
    ws.send(frame, { binary: false });
    // A broadcast is thousands of sends: count them here and report once per turn.
    if (unreported++ === 0) setImmediate(reportSent);
  };
  let unreported = 0;
  const reportSent = () => {
    deps.onMessagesSent?.(unreported);
    unreported = 0;
  };

  const sendAll = (sub: Subscription, steps: Step[]) => {
    for (const step of steps) if (step.frame) send(sub.ws, step.frame);
  };

  /** Sends what a release allows; a gap left is filled from the event store (later, after a resync). */
  const apply = (sub: Subscription, { send: steps, gap }: Release, afterResync = false) => {
    sendAll(sub, steps);
    if (!gap) return;
    if (!afterResync) return void resync(sub);
    setTimeout(() => sub.ws.readyState === WebSocket.OPEN && void resync(sub), 200).unref();
  };

  /** Sends what the subscription missed from the event store, up to what the read model has, then its buffer. */
  const resync = async (sub: Subscription) => {
    sub.seq.ready = false;
    try {
      const view = await deps.currentView(sub.auctionId);
      const upTo = view?.revision ?? sub.seq.lastRevision;
      sendAll(sub, continueWith(sub.seq, await deps.history(sub.auctionId, sub.seq.lastRevision, upTo)));
    } catch (error) {
      deps.logger.warn({ err: error, auctionId: sub.auctionId }, 'websocket resync failed; retrying');
    }
    apply(sub, release(sub.seq), true);
  };

  const leave = (sub: Subscription) => {
    const room = rooms.get(sub.auctionId);
    room?.delete(sub);
    if (room?.size === 0) rooms.delete(sub.auctionId);
    connections.get(sub.ws)?.subscriptions.delete(sub.auctionId);
  };

  const subscribe = async (
    ws: WebSocket,
    conn: Connection,
    auctionId: string,
    afterRevision: number | undefined,
  ) => {
    if (conn.subscriptions.has(auctionId))
      return send(ws, errorFrame('ALREADY_SUBSCRIBED', 'Already subscribed', auctionId));
    if (conn.subscriptions.size >= limits.maxSubscriptions) {
      const message = `At most ${limits.maxSubscriptions} subscriptions`;
      return send(ws, errorFrame('TOO_MANY_SUBSCRIPTIONS', message, auctionId));
    }
    // Join first, buffering: whatever arrives while we read the view is kept, not lost.
    const sub: Subscription = { ws, auctionId, seq: newSequence() };
    conn.subscriptions.set(auctionId, sub);
    let room = rooms.get(auctionId);
    if (!room) rooms.set(auctionId, (room = new Set()));
    room.add(sub);
    try {
      const view = await deps.currentView(auctionId);
      if (!view) {
        leave(sub);
        return send(ws, errorFrame('AUCTION_NOT_FOUND', 'No such auction', auctionId));
      }
      if (conn.subscriptions.get(auctionId) !== sub) return; // unsubscribed meanwhile
      send(ws, subscribedFrame(auctionId, JSON.stringify(view), new Date()));
      sub.seq.lastRevision = startingRevision(view.revision, afterRevision);
      if (afterRevision !== undefined && afterRevision < view.revision) {
        sub.seq.lastRevision = afterRevision;
        sendAll(sub, continueWith(sub.seq, await deps.history(auctionId, afterRevision, view.revision)));
      }
      apply(sub, release(sub.seq));
    } catch (error) {
      leave(sub);
      deps.logger.warn({ err: error, auctionId }, 'websocket subscribe failed');
      send(ws, errorFrame('UNAVAILABLE', 'Cannot subscribe right now; retry shortly', auctionId));
    }
  };

  const onMessage = (ws: WebSocket, conn: Connection, data: RawData, isBinary: boolean) => {
    deps.onMessageReceived?.();
    const now = Date.now();
    if (!take(conn.bucket, now, { perSecond: limits.messagesPerSecond, burst: limits.messageBurst })) {
      // Dropped, and said so at most once a second: the error must not amplify a flood.
      if (now - conn.limitedAt < 1000) return;
      conn.limitedAt = now;
      return send(ws, errorFrame('RATE_LIMITED', `At most ${limits.messagesPerSecond} messages per second`));
    }
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (isBinary) return send(ws, errorFrame('BINARY_NOT_SUPPORTED', 'Send JSON text messages'));
    if (size > limits.maxMessageBytes)
      return send(ws, errorFrame('MESSAGE_TOO_LARGE', `At most ${limits.maxMessageBytes} bytes`));
    const parsed = parseClientMessage(data.toString());
    if (!parsed.ok) return send(ws, errorFrame(parsed.code, parsed.message));
    const message = parsed.message;
    if (message.type === 'ping') return send(ws, PONG_FRAME);
    if ('channel' in message) return void onMeMessage(me, ws, conn, message, send, deps.logger);
    const auctionId = message.auctionId.toLowerCase();
    if (message.type === 'unsubscribe') {
      const sub = conn.subscriptions.get(auctionId);
      if (sub) leave(sub);
      return send(ws, unsubscribedFrame(auctionId));
    }
    void subscribe(ws, conn, auctionId, message.afterRevision);
  };

  const me = deps.me && getMeChannel(deps.me, send);

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') return reject(socket, 404, 'Not Found');
    if (closing) return reject(socket, 503, 'Service Unavailable');
    const token = upgradeToken(req, url);
    const user = token === undefined ? undefined : deps.verifyToken(token);
    if (token !== undefined && !user) return reject(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Connection = {
        socket,
        userId: user?.userId,
        me: undefined,
        subscriptions: new Map(),
        alive: true,
        bucket: fullBucket(limits.messageBurst, Date.now()),
        limitedAt: 0,
      };
      connections.set(ws, conn);
      ws.on('pong', () => (conn.alive = true));
      ws.on('message', (data, isBinary) => onMessage(ws, conn, data, isBinary));
      ws.on('close', () => {
        for (const sub of [...conn.subscriptions.values()]) leave(sub);
        if (conn.me) me?.leave(conn.me);
        deps.onConnectionsChanged?.(wss.clients.size);
      });
      ws.on('error', () => ws.terminate());
      deps.onConnectionsChanged?.(wss.clients.size);
    });
  };
  deps.server.on('upgrade', onUpgrade);

  // Protocol pings: a connection that did not answer the last one is dead.
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      const conn = connections.get(ws);
      if (!conn?.alive) {
        ws.terminate();
        continue;
      }
      conn.alive = false;
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
        const steps: Step[] = auction.events.map(({ revision, event, view }) => ({
          revision,
          frame:
            event &&
            Buffer.from(
              eventFrame(
                auction.auctionId,
                JSON.stringify(event),
                view ? JSON.stringify(view) : auction.viewJson,
              ),
            ),
        }));
        // Each socket gets the batch's frames in one write: a write is a system call (most of a
        // send's cost), and the events of a batch are due together anyway.
        for (const sub of room) {
          const socket = connections.get(sub.ws)?.socket;
          socket?.cork();
          for (const step of steps) apply(sub, offer(sub.seq, step));
          socket?.uncork();
        }
      }
    },
    /** New notifications from the feed: each to its user's `me` subscriptions. */
    onNotifications: (message: NotificationMessage) => me?.onNotifications(message),
    /** The notification feed may have lost messages: `me` subscriptions read the table again. */
    onNotificationsReset: () => me?.onReset(),
    /** The feed may have lost messages: every subscription checks the event store. */
    onFeedReset() {
      for (const room of rooms.values()) for (const sub of room) if (sub.seq.ready) void resync(sub);
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

export type RealtimeGateway = ReturnType<typeof getRealtimeGateway>;
