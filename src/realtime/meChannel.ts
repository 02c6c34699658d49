import { decodeNotificationCursor, type Notification } from '../notifications';
import { type NotificationMessage } from '../projections';
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { Connection } from './gatewayOptions';
import { ME_UNSUBSCRIBED_FRAME, errorFrame, meSubscribedFrame, type ClientMessage } from './protocol';

/** What the `me` channel reads: the caller's notifications after a place in the table's order. */
export interface MeChannelDeps {
  notificationsAfter(
    userId: string,
    afterSeq: string | undefined,
    limit: number,
  ): Promise<{ items: Notification[]; more: boolean }>;
  /** The place of the user's newest notification (where a subscription without `after` starts). */
  latestSeq(userId: string): Promise<string | undefined>;
  logger: Logger;
}

interface MeSubscription {
  ws: WebSocket;
  userId: string;
  /** The newest notification sent (its seq); live ones at or below it are duplicates. */
  lastSeq: bigint;
  /** False while catching up: live ones wait in `buffer`. */
  ready: boolean;
  buffer: Array<{ seq: bigint; notification: Notification }>;
  left: boolean;
}

const CATCH_UP_PAGE = 200;
const seqOf = (n: Notification) => BigInt(decodeNotificationCursor(n.cursor) ?? '0');
export const notificationFrame = (notification: Notification) =>
  JSON.stringify({ type: 'notification', notification });

/**
 * The `me` channel of the gateway: each signed-in connection may follow its own notifications,
 * live from the notification feed (every instance gets every one, and sends a user's to that
 * user's sockets only), after a catch-up from the table when it names a cursor. Duplicates are
 * dropped by their place in the table's order; a feed that may have lost messages makes every
 * subscription catch up again from the last one it sent.
 */
export function getMeChannel(deps: MeChannelDeps, send: (ws: WebSocket, frame: string) => void) {
  const byUser = new Map<string, Set<MeSubscription>>();

  const deliver = (sub: MeSubscription, seq: bigint, notification: Notification) => {
    if (sub.left || seq <= sub.lastSeq) return;
    sub.lastSeq = seq;
    send(sub.ws, notificationFrame(notification));
  };

  /** Sends what the table has after the subscription's last, then what waited meanwhile. */
  const catchUp = async (sub: MeSubscription) => {
    sub.ready = false;
    try {
      for (let more = true; more && !sub.left;) {
        const page = await deps.notificationsAfter(sub.userId, String(sub.lastSeq), CATCH_UP_PAGE);
        for (const n of page.items) deliver(sub, seqOf(n), n);
        more = page.more;
      }
    } catch (error) {
      deps.logger.warn({ err: error }, 'me channel catch-up failed; live notifications continue');
    }
    sub.ready = true;
    for (const { seq, notification } of sub.buffer.sort((a, b) => (a.seq < b.seq ? -1 : 1)))
      deliver(sub, seq, notification);
    sub.buffer = [];
  };

  return {
    /** Starts following; `afterSeq` (from a cursor) first sends what came after it. */
    async subscribe(ws: WebSocket, userId: string, afterSeq: string | undefined): Promise<MeSubscription> {
      const sub: MeSubscription = { ws, userId, lastSeq: 0n, ready: false, buffer: [], left: false };
      let users = byUser.get(userId);
      if (!users) byUser.set(userId, (users = new Set()));
      users.add(sub); // joined before reading: nothing published meanwhile is missed
      sub.lastSeq = BigInt(afterSeq ?? (await deps.latestSeq(userId)) ?? '0');
      return sub;
    },
    catchUp,
    leave(sub: MeSubscription) {
      sub.left = true;
      const users = byUser.get(sub.userId);
      users?.delete(sub);
      if (users?.size === 0) byUser.delete(sub.userId);
    },
    onNotifications(message: NotificationMessage) {
      for (const { userId, seq, notification } of message.notifications) {
        for (const sub of byUser.get(userId) ?? []) {
          if (sub.ready) deliver(sub, BigInt(seq), notification);
          else sub.buffer.push({ seq: BigInt(seq), notification });
        }
      }
    },
    /** The feed may have lost messages: every subscription reads the table again. */
    onReset() {
      for (const users of byUser.values()) for (const sub of users) if (sub.ready) void catchUp(sub);
    },
  };
}

export type MeChannel = ReturnType<typeof getMeChannel>;
export type { MeSubscription };

/** A `me` channel message of a connection: subscribe (signed-in only, once) or unsubscribe. */
export async function onMeMessage(
  me: MeChannel | undefined,
  ws: WebSocket,
  conn: Connection,
  message: Extract<ClientMessage, { channel: 'me' }>,
  send: (ws: WebSocket, frame: string) => void,
  logger: Logger,
) {
  const refuse = (code: string, text: string) => send(ws, errorFrame(code, text, undefined, 'me'));
  if (message.type === 'unsubscribe') {
    if (conn.me) me?.leave(conn.me);
    conn.me = undefined;
    return send(ws, ME_UNSUBSCRIBED_FRAME);
  }
  if (!conn.userId) return refuse('UNAUTHORIZED', 'The me channel needs a token');
  if (!me) return refuse('UNAVAILABLE', 'No notifications here');
  if (conn.me) return refuse('ALREADY_SUBSCRIBED', 'Already subscribed');
  const afterSeq = message.after === undefined ? undefined : decodeNotificationCursor(message.after);
  if (message.after !== undefined && !afterSeq)
    return refuse('VALIDATION_FAILED', 'after is not a notification cursor');
  try {
    const sub = await me.subscribe(ws, conn.userId, afterSeq);
    if (ws.readyState !== ws.OPEN) return me.leave(sub); // closed meanwhile
    conn.me = sub;
    send(ws, meSubscribedFrame(new Date()));
    await me.catchUp(sub);
  } catch (error) {
    logger.warn({ err: error }, 'me channel subscribe failed');
    refuse('UNAVAILABLE', 'Cannot subscribe right now; retry shortly');
  }
}
