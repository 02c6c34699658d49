import { type NotificationMessage } from '../projections';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { ChangeMessage } from '../projections';
import { getAuctionRooms, type AuctionRooms } from './auctionRooms';
import { DEFAULT_LIMITS, type Connection, type GatewayDeps } from './gatewayOptions';
import { getMeChannel, onMeMessage, type MeChannel } from './meChannel';
import {
  PONG_FRAME,
  errorFrame,
  parseClientMessage,
  reject,
  unsubscribedFrame,
  upgradeToken,
} from './protocol';
import { getSaleRooms, type SaleRooms } from './saleRooms';
import { fullBucket, take } from './tokenBucket';

const lowerKeys = (revisions: Record<string, number> | undefined) =>
  revisions &&
  Object.fromEntries(Object.entries(revisions).map(([id, revision]) => [id.toLowerCase(), revision]));

export type { Step } from './revisionSequence';

type Limits = typeof DEFAULT_LIMITS;
type Send = (ws: WebSocket, frame: string | Buffer) => void;
/** Bytes already framed for the wire (wireFrames.ts), holding `messages` messages, to a connection's socket. */
export type SendFramed = (ws: WebSocket, socket: Duplex, bytes: Buffer, messages: number) => void;

/**
 * Sends a frame to an open connection, unless it lets too much pile up unread: then it is closed
 * (1013) and counted. Sends are counted and reported once per turn of the event loop: a broadcast
 * is thousands of them.
 */
function getSender(limits: Limits, onMessagesSent?: (count: number) => void) {
  let slowClosed = 0;
  let unreported = 0;
  const reportSent = () => {
    onMessagesSent?.(unreported);
    unreported = 0;
  };
  /** Whether a connection may be sent more: open, and not letting too much pile up unread. */
  const writable = (ws: WebSocket) => {
    if (ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount <= limits.maxBufferedBytes) return true;
    // The close frame queues behind what is unread; a client that never reads is cut off.
    ws.close(1013, 'too slow: messages are piling up unread');
    slowClosed++;
    setTimeout(() => ws.terminate(), 5000).unref();
    return false;
  };
  const count = (messages: number) => {
    if (unreported === 0) setImmediate(reportSent);
    unreported += messages;
  };
  const send: Send = (ws, frame) => {
    if (!writable(ws)) return;
    ws.send(frame, { binary: false });
    count(1);
  };
  const sendFramed: SendFramed = (ws, socket, bytes, messages) => {
    if (!writable(ws)) return;
    socket.write(bytes);
    count(messages);
  };
  return { send, sendFramed, slowClosed: () => slowClosed };
}

interface MessageContext {
  deps: GatewayDeps;
  limits: Limits;
  send: Send;
  me: MeChannel | undefined;
  rooms: AuctionRooms;
  sales: SaleRooms;
}

/** A client's message: rate-limited, checked, then a ping, a `me` action or a room's. */
function onClientMessage(
  ctx: MessageContext,
  ws: WebSocket,
  conn: Connection,
  data: RawData,
  isBinary: boolean,
) {
  const { deps, limits, send, rooms } = ctx;
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
  if ('channel' in message) return void onMeMessage(ctx.me, ws, conn, message, send, deps.logger);
  if ('saleId' in message) {
    const saleId = message.saleId.toLowerCase();
    if (message.type === 'unsubscribe') return ctx.sales.unsubscribe(ws, conn, saleId);
    return void ctx.sales.subscribe(ws, conn, saleId, lowerKeys(message.afterRevisions));
  }
  const auctionId = message.auctionId.toLowerCase();
  if (message.type === 'unsubscribe') {
    const sub = conn.subscriptions.get(auctionId);
    if (sub) rooms.leave(sub);
    return send(ws, unsubscribedFrame(auctionId));
  }
  void rooms.subscribe(ws, conn, auctionId, message.afterRevision);
}

/** Takes over an accepted socket: its state, its messages, and what its close leaves behind. */
function accept(ctx: MessageContext, wss: WebSocketServer, ws: WebSocket, socket: Duplex, userId?: string) {
  const conn: Connection = {
    socket,
    userId,
    me: undefined,
    subscriptions: new Map(),
    sales: new Map(),
    alive: true,
    bucket: fullBucket(ctx.limits.messageBurst, Date.now()),
    limitedAt: 0,
  };
  ws.on('pong', () => (conn.alive = true));
  ws.on('message', (data, isBinary) => onClientMessage(ctx, ws, conn, data, isBinary));
  ws.on('close', () => {
    for (const sub of [...conn.subscriptions.values()]) ctx.rooms.leave(sub);
    ctx.sales.leaveAll(conn);
    if (conn.me) ctx.me?.leave(conn.me);
    ctx.deps.onConnectionsChanged?.(wss.clients.size);
  });
  ws.on('error', () => ws.terminate());
  ctx.deps.onConnectionsChanged?.(wss.clients.size);
  return conn;
}

/** Protocol pings: a connection that did not answer the last one is dead. */
function startPinger(wss: WebSocketServer, connections: WeakMap<WebSocket, Connection>, everyMs: number) {
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
  }, everyMs);
  pinger.unref();
  return pinger;
}

/** Closes every connection with 1001 (going away), waiting up to two seconds for them to go. */
async function closeAll(wss: WebSocketServer) {
  for (const ws of wss.clients) ws.close(1001, 'server shutting down');
  const deadline = Date.now() + 2000;
  while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const ws of wss.clients) ws.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}

/**
 * The WebSocket gateway at /ws: connections, their messages and limits, and the slow-client
 * rule. Rooms per auction (auctionRooms.ts); live updates come from the change feed (so they are
 * pushed after the read model shows them), serialised once per event and instance.
 */
export function getRealtimeGateway(deps: GatewayDeps) {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxPayloadBytes,
    perMessageDeflate: false,
  });
  const connections = new WeakMap<WebSocket, Connection>();
  const { send, sendFramed, slowClosed } = getSender(limits, deps.onMessagesSent);
  const me = deps.me && getMeChannel(deps.me, send);
  const rooms = getAuctionRooms(deps, limits, { send, sendFramed }, (ws) => connections.get(ws));
  const sales = getSaleRooms(deps, rooms, limits, send);
  const ctx: MessageContext = { deps, limits, send, me, rooms, sales };
  let closing = false;
  let pending: ChangeMessage[] = [];
  const flush = () => {
    const messages = pending;
    pending = [];
    for (const message of messages) sales.onChange(message);
    rooms.onChanges(messages);
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') return reject(socket, 404, 'Not Found');
    if (closing) return reject(socket, 503, 'Service Unavailable');
    const token = upgradeToken(req, url);
    const user = token === undefined ? undefined : deps.verifyToken(token);
    if (token !== undefined && !user) return reject(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) =>
      connections.set(ws, accept(ctx, wss, ws, socket, user?.userId)),
    );
  };
  deps.server.on('upgrade', onUpgrade);
  const pinger = startPinger(wss, connections, limits.pingIntervalMs);
  return {
    /**
     * A batch from the change feed: every event, with the view after it, to its room. The batches
     * that arrive together (one read of the feed's connection) go out together, at the end of the
     * current task: a socket gets one write for all of them, so a server that falls behind sends
     * fewer, larger writes instead of falling further behind.
     */
    onChange: (message: ChangeMessage) => {
      if (pending.push(message) === 1) queueMicrotask(flush);
    },
    /** New notifications from the feed: each to its user's `me` subscriptions. */
    onNotifications: (message: NotificationMessage) => me?.onNotifications(message),
    /** The notification feed may have lost messages: `me` subscriptions read the table again. */
    onNotificationsReset: () => me?.onReset(),
    /** The feed may have lost messages: every subscription checks the event store. */
    onFeedReset: () => rooms.onFeedReset(),
    connections: () => wss.clients.size,
    /** Connections closed with 1013 for reading too slowly, since start. */
    slowClosed,
    /** Refuses new connections and closes the open ones with 1001 (going away). */
    async close() {
      closing = true;
      clearInterval(pinger);
      deps.server.off('upgrade', onUpgrade);
      await closeAll(wss);
    },
  };
}

export type RealtimeGateway = ReturnType<typeof getRealtimeGateway>;
