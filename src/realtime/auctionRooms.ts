import { WebSocket } from 'ws';
import type { ChangeMessage } from '../projections';
import type { Connection, GatewayDeps, Subscription } from './gatewayOptions';
import { errorFrame, eventFrame, subscribedFrame } from './protocol';
import {
  continueWith,
  newSequence,
  offer,
  release,
  startingRevision,
  type Release,
  type Step,
} from './revisionSequence';

type Send = (ws: WebSocket, frame: string | Buffer) => void;

/**
 * The gateway's rooms, one per auction: subscribing (the view, then what the client missed),
 * leaving, and the change feed's batches to each room's subscriptions in revision order. Each
 * subscription tracks the last revision it sent: a duplicate is dropped, a gap is filled from
 * the event store before anything newer is sent.
 */
export function getAuctionRooms(
  deps: Pick<GatewayDeps, 'currentView' | 'history' | 'logger'>,
  limits: { maxSubscriptions: number },
  send: Send,
  connectionOf: (ws: WebSocket) => Connection | undefined,
) {
  const rooms = new Map<string, Set<Subscription>>();
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
    connectionOf(sub.ws)?.subscriptions.delete(sub.auctionId);
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

  return {
    subscribe,
    leave,
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
          const socket = connectionOf(sub.ws)?.socket;
          socket?.cork();
          for (const step of steps) apply(sub, offer(sub.seq, step));
          socket?.uncork();
        }
      }
    },
    /** The feed may have lost messages: every subscription checks the event store. */
    onFeedReset() {
      for (const room of rooms.values()) for (const sub of room) if (sub.seq.ready) void resync(sub);
    },
  };
}

export type AuctionRooms = ReturnType<typeof getAuctionRooms>;
