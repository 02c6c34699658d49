/**
 * Live updates over /ws: one connection per page, resubscribed after every reconnect from the
 * last revision seen of each auction (the server sends what was missed), and the server's clock
 * from each `subscribed` message, so countdowns agree with when the server closes.
 */
import type { AuctionView, Notification } from './api';
import { sawPosition } from './api';
import { session } from './session';

export interface AuctionEvent {
  type: string;
  revision: number;
  position?: string;
  data: Record<string, unknown>;
}
export type LiveMessage =
  | { type: 'subscribed'; auctionId?: string; auction?: AuctionView; serverTime?: string; channel?: 'me' }
  | { type: 'auction.event'; auctionId: string; auction: AuctionView; event: AuctionEvent }
  | { type: 'notification'; notification: Notification }
  | { type: string; [key: string]: unknown };

type Listener = (message: LiveMessage) => void;
type Status = 'connecting' | 'live' | 'reconnecting';

let ws: WebSocket | undefined;
let clockOffsetMs = 0;
let retryMs = 500;
let status: Status = 'connecting';
/** auctionId -> the last revision seen (the resume point), undefined before the first. */
const subscriptions = new Map<string, number | undefined>();
/** The sale followed (one subscription for all its lots), and the last revision seen of each lot. */
let followedSale: { saleId: string; revisions: Map<string, number> } | undefined;
/** A resume point per lot fits in one message for up to this many lots; more resume from their views. */
const MAX_RESUMED_LOTS = 60;
const listeners = new Set<Listener>();
const openHooks = new Set<(socket: WebSocket) => void>();
const statusListeners = new Set<(status: Status) => void>();

/** Now on the server's clock. */
export const serverNow = () => Date.now() + clockOffsetMs;

function setStatus(next: Status) {
  status = next;
  for (const listener of statusListeners) listener(next);
}

function send(message: object) {
  if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
}

function subscribe(auctionId: string, afterRevision: number | undefined) {
  send({ type: 'subscribe', auctionId, ...(afterRevision !== undefined ? { afterRevision } : {}) });
}

function subscribeSale() {
  if (!followedSale) return;
  const { saleId, revisions } = followedSale;
  const afterRevisions =
    revisions.size > 0 && revisions.size <= MAX_RESUMED_LOTS ? Object.fromEntries(revisions) : undefined;
  send({ type: 'subscribe', saleId, ...(afterRevisions ? { afterRevisions } : {}) });
}

function onMessage(raw: string) {
  const message = JSON.parse(raw) as LiveMessage;
  if (message.type === 'subscribed' && typeof message.serverTime === 'string')
    clockOffsetMs = Date.parse(message.serverTime) - Date.now();
  const auction = (message as { auction?: AuctionView }).auction;
  if (auction && subscriptions.has(auction.auctionId)) {
    const event = (message as { event?: AuctionEvent }).event;
    const revision = event ? event.revision : auction.revision;
    const seen = subscriptions.get(auction.auctionId);
    if (seen === undefined || revision > seen) subscriptions.set(auction.auctionId, revision);
    sawPosition(event?.position);
  }
  if (auction && followedSale && auction.saleId === followedSale.saleId) {
    const event = (message as { event?: AuctionEvent }).event;
    const revision = event ? event.revision : auction.revision;
    if (revision > (followedSale.revisions.get(auction.auctionId) ?? -1))
      followedSale.revisions.set(auction.auctionId, revision);
  }
  for (const listener of listeners) listener(message);
}

export function connect() {
  const url = new URL('/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  if (session.token) url.searchParams.set('token', session.token);
  const socket = (ws = new WebSocket(url));
  socket.onopen = () => {
    retryMs = 500;
    setStatus('live');
    for (const [auctionId, revision] of subscriptions) subscribe(auctionId, revision);
    subscribeSale();
    for (const hook of openHooks) hook(socket);
  };
  socket.onmessage = (event) => onMessage(String(event.data));
  socket.onclose = () => {
    if (ws !== socket) return;
    setStatus('reconnecting');
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  };
}

/** A new connection (after signing in or out: the token is the connection's). */
export function reconnect() {
  const old = ws;
  ws = undefined;
  old?.close();
  connect();
}

/**
 * Follows exactly these auctions: new ones are subscribed, the others left. `readAt` gives the
 * revision the page read of an auction: the events after it are sent first (a bid between the
 * page's read and its subscription is not missed).
 */
export function watch(auctionIds: string[], readAt: Record<string, number> = {}) {
  for (const id of [...subscriptions.keys()]) {
    if (auctionIds.includes(id)) continue;
    subscriptions.delete(id);
    send({ type: 'unsubscribe', auctionId: id });
  }
  for (const id of auctionIds) {
    if (subscriptions.has(id)) continue;
    subscriptions.set(id, readAt[id]);
    subscribe(id, readAt[id]);
  }
}

/**
 * Follows every lot of one sale with one subscription (or none): after a reconnect, each lot
 * resumes from the last revision seen of it. `lots` are the revisions the page read.
 */
export function watchSale(
  saleId: string | undefined,
  lots: Array<{ auctionId: string; revision: number }> = [],
) {
  if (followedSale && followedSale.saleId !== saleId)
    send({ type: 'unsubscribe', saleId: followedSale.saleId });
  if (!saleId) return void (followedSale = undefined);
  if (followedSale?.saleId === saleId) return;
  followedSale = { saleId, revisions: new Map(lots.map((l) => [l.auctionId, l.revision])) };
  subscribeSale();
}

export const onLive = (listener: Listener) => (
  listeners.add(listener),
  () => void listeners.delete(listener)
);
export const onOpen = (hook: (socket: WebSocket) => void) => (
  openHooks.add(hook),
  () => void openHooks.delete(hook)
);
export const onStatus = (listener: (status: Status) => void) => (
  statusListeners.add(listener),
  () => void statusListeners.delete(listener)
);
export const liveStatus = () => status;
