import { WebSocket } from 'ws';
import type { ChangeMessage } from '../projections';
import type { SendFramed } from './gateway';
import type { Connection, GatewayDeps, Subscription } from './gatewayOptions';
import { errorFrame, eventFrame, subscribedFrame } from './protocol';
import { textFrame } from './wireFrames';
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

interface Rooms {
  deps: Pick<GatewayDeps, 'currentView' | 'history' | 'logger'>;
  limits: { maxSubscriptions: number };
  send: Send;
  sendFramed: SendFramed;
  connectionOf: (ws: WebSocket) => Connection | undefined;
  /** The subscriptions of each auction's room. */
  byAuction: Map<string, Set<Subscription>>;
}

const sendAll = (rooms: Rooms, sub: Subscription, steps: Step[]) => {
  for (const step of steps) if (step.frame) rooms.send(sub.ws, step.frame);
};

/** Sends what a release allows; a gap left is filled from the event store (later, after a resync). */
function apply(rooms: Rooms, sub: Subscription, { send: steps, gap }: Release, afterResync = false) {
  sendAll(rooms, sub, steps);
  if (!gap) return;
  if (!afterResync) return void resync(rooms, sub);
  setTimeout(() => sub.ws.readyState === WebSocket.OPEN && void resync(rooms, sub), 200).unref();
}

/** Sends what the subscription missed from the event store, up to what the read model has, then its buffer. */
async function resync(rooms: Rooms, sub: Subscription) {
  const { deps } = rooms;
  sub.seq.ready = false;
  try {
    const view = await deps.currentView(sub.auctionId);
    const upTo = view?.revision ?? sub.seq.lastRevision;
    sendAll(rooms, sub, continueWith(sub.seq, await deps.history(sub.auctionId, sub.seq.lastRevision, upTo)));
  } catch (error) {
    deps.logger.warn({ err: error, auctionId: sub.auctionId }, 'websocket resync failed; retrying');
  }
  apply(rooms, sub, release(sub.seq), true);
}

function leave(rooms: Rooms, sub: Subscription) {
  const room = rooms.byAuction.get(sub.auctionId);
  room?.delete(sub);
  if (room?.size === 0) rooms.byAuction.delete(sub.auctionId);
  rooms.connectionOf(sub.ws)?.subscriptions.delete(sub.auctionId);
}

/** Joins the room at once, buffering: whatever arrives while the view is read is kept, not lost. */
function join(rooms: Rooms, ws: WebSocket, conn: Connection, auctionId: string): Subscription | undefined {
  const { send, limits } = rooms;
  if (conn.subscriptions.has(auctionId))
    return void send(ws, errorFrame('ALREADY_SUBSCRIBED', 'Already subscribed', auctionId));
  if (conn.subscriptions.size >= limits.maxSubscriptions) {
    const message = `At most ${limits.maxSubscriptions} subscriptions`;
    return void send(ws, errorFrame('TOO_MANY_SUBSCRIPTIONS', message, auctionId));
  }
  const sub: Subscription = { ws, auctionId, seq: newSequence() };
  conn.subscriptions.set(auctionId, sub);
  let room = rooms.byAuction.get(auctionId);
  if (!room) rooms.byAuction.set(auctionId, (room = new Set()));
  room.add(sub);
  return sub;
}

/**
 * The view (sent as `subscribed` unless the subscription is a sale's lot), then what the client
 * missed after `afterRevision`, then what arrived meanwhile.
 */
async function begin(rooms: Rooms, sub: Subscription, afterRevision: number | undefined, lot: boolean) {
  const { deps, send } = rooms;
  const { ws, auctionId } = sub;
  try {
    const view = await deps.currentView(auctionId);
    if (!view) {
      if (!lot) leave(rooms, sub);
      return void send(ws, errorFrame('AUCTION_NOT_FOUND', 'No such auction', auctionId));
    }
    if (!rooms.byAuction.get(auctionId)?.has(sub)) return; // unsubscribed meanwhile
    if (!lot) send(ws, subscribedFrame(auctionId, JSON.stringify(view), new Date()));
    sub.seq.lastRevision = startingRevision(view.revision, afterRevision);
    if (afterRevision !== undefined && afterRevision < view.revision) {
      sub.seq.lastRevision = afterRevision;
      sendAll(rooms, sub, continueWith(sub.seq, await deps.history(auctionId, afterRevision, view.revision)));
    }
    apply(rooms, sub, release(sub.seq));
  } catch (error) {
    if (!lot) leave(rooms, sub);
    deps.logger.warn({ err: error, auctionId }, 'websocket subscribe failed');
    send(ws, errorFrame('UNAVAILABLE', 'Cannot subscribe right now; retry shortly', auctionId));
  }
}

async function subscribe(
  rooms: Rooms,
  ws: WebSocket,
  conn: Connection,
  auctionId: string,
  afterRevision: number | undefined,
) {
  const sub = join(rooms, ws, conn, auctionId);
  if (sub) await begin(rooms, sub, afterRevision, false);
}

/** A lot of a sale subscription: in the auction's room, but not one of the connection's own subscriptions. */
function joinLot(rooms: Rooms, ws: WebSocket, auctionId: string, afterRevision: number | undefined) {
  const sub: Subscription = { ws, auctionId, seq: newSequence() };
  let room = rooms.byAuction.get(auctionId);
  if (!room) rooms.byAuction.set(auctionId, (room = new Set()));
  room.add(sub);
  void begin(rooms, sub, afterRevision, true);
  return sub;
}

function leaveLot(rooms: Rooms, sub: Subscription) {
  const room = rooms.byAuction.get(sub.auctionId);
  room?.delete(sub);
  if (room?.size === 0) rooms.byAuction.delete(sub.auctionId);
}

/** A live step: its frame also as wire bytes (wireFrames.ts), framed once for the whole room. */
type LiveStep = Step & { wire?: Buffer };

/** An auction's part of a change batch as steps, each serialised and framed once for the room. */
const stepsOf = (auction: ChangeMessage['auctions'][number]): LiveStep[] =>
  auction.events.map(({ revision, event, view }) => {
    if (!event) return { revision };
    const json = eventFrame(
      auction.auctionId,
      JSON.stringify(event),
      view ? JSON.stringify(view) : auction.viewJson,
    );
    const frame = Buffer.from(json);
    return { revision, frame, wire: textFrame(frame) };
  });

/**
 * An auction's steps to every subscription of its room, in one write per socket (a write is a
 * system call and a copy through the kernel: most of a message's cost). Subscriptions in step
 * (nearly all of them) get the same bytes, joined once; one that is resuming or behind gets only
 * what its sequence releases.
 */
function broadcast(rooms: Rooms, room: Set<Subscription>, steps: LiveStep[]) {
  const framed = steps.filter((step) => step.wire);
  let all: Buffer | undefined;
  for (const sub of room) {
    const out: LiveStep[] = [];
    let gap = false;
    for (const step of steps) {
      const released = offer(sub.seq, step);
      for (const s of released.send as LiveStep[]) if (s.wire) out.push(s);
      gap ||= released.gap;
    }
    const socket = out.length > 0 ? rooms.connectionOf(sub.ws)?.socket : undefined;
    if (socket) {
      // Released steps are a subsequence of `steps`: as many as were framed means all of them.
      const bytes =
        out.length === framed.length
          ? (all ??= Buffer.concat(framed.map((step) => step.wire!)))
          : Buffer.concat(out.map((step) => step.wire!));
      rooms.sendFramed(sub.ws, socket, bytes, out.length);
    }
    if (gap) apply(rooms, sub, { send: [], gap });
  }
}

/**
 * The gateway's rooms, one per auction: subscribing (the view, then what the client missed),
 * leaving, and the change feed's batches to each room's subscriptions in revision order. Each
 * subscription tracks the last revision it sent: a duplicate is dropped, a gap is filled from
 * the event store before anything newer is sent.
 */
export function getAuctionRooms(
  deps: Rooms['deps'],
  limits: Rooms['limits'],
  { send, sendFramed }: Pick<Rooms, 'send' | 'sendFramed'>,
  connectionOf: Rooms['connectionOf'],
) {
  const rooms: Rooms = { deps, limits, send, sendFramed, connectionOf, byAuction: new Map() };
  return {
    subscribe: (ws: WebSocket, conn: Connection, auctionId: string, afterRevision: number | undefined) =>
      subscribe(rooms, ws, conn, auctionId, afterRevision),
    leave: (sub: Subscription) => leave(rooms, sub),
    /** A sale subscription's lot: from `afterRevision` (or the current view) on, without a `subscribed` frame. */
    joinLot: (ws: WebSocket, auctionId: string, afterRevision?: number) =>
      joinLot(rooms, ws, auctionId, afterRevision),
    leaveLot: (sub: Subscription) => leaveLot(rooms, sub),
    /** Batches from the change feed, in order: every event, with the view after it, to its room. */
    onChanges(messages: ChangeMessage[]) {
      const byAuction = new Map<string, LiveStep[]>();
      for (const message of messages)
        for (const auction of message.auctions) {
          if (!rooms.byAuction.get(auction.auctionId)?.size) continue;
          const steps = byAuction.get(auction.auctionId);
          if (steps) steps.push(...stepsOf(auction));
          else byAuction.set(auction.auctionId, stepsOf(auction));
        }
      for (const [auctionId, steps] of byAuction) {
        const room = rooms.byAuction.get(auctionId);
        if (room) broadcast(rooms, room, steps);
      }
    },
    /** The feed may have lost messages: every subscription checks the event store. */
    onFeedReset() {
      for (const room of rooms.byAuction.values())
        for (const sub of room) if (sub.seq.ready) void resync(rooms, sub);
    },
  };
}

export type AuctionRooms = ReturnType<typeof getAuctionRooms>;
