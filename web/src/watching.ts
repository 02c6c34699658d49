/**
 * What the signed-in user watches and is told: the watched auctions (the stars), and their
 * notifications, loaded once and then live over the WebSocket `me` channel, caught up after the
 * newest one held on every (re)connect. The bell counts those after the last one read.
 */
import { api, done, ok, type Notification } from './api';
import { onLive, onOpen } from './live';
import { session } from './session';
import { store } from './store';

export const watched = store<ReadonlySet<string>>(new Set());
export const notifications = store<readonly Notification[]>([]);
const readKey = () => `notificationsReadUpTo:${session.userId}`;
export const readUpTo = store<string | null>(null);

const newest = () => notifications.get().at(-1)?.cursor;

function add(items: Notification[]) {
  const held = notifications.get();
  const seen = new Set(held.map((n) => n.notificationId));
  const fresh = items.filter((n) => !seen.has(n.notificationId));
  if (fresh.length) notifications.set([...held, ...fresh]);
}

export function unreadCount() {
  const list = notifications.get();
  const index = list.findIndex((n) => n.cursor === readUpTo.get());
  return list.length - (index + 1);
}

export function markAllRead() {
  const cursor = newest();
  if (!cursor) return;
  localStorage.setItem(readKey(), cursor);
  readUpTo.set(cursor);
}

/** The user's watchlist and every page of their notifications (a page is 100). */
export async function loadWatching() {
  watched.set(new Set());
  notifications.set([]);
  readUpTo.set(session.token ? localStorage.getItem(readKey()) : null);
  if (!session.token) return;
  const list = await ok(api.GET('/me/watchlist', { params: { query: { limit: 100 } } }));
  watched.set(new Set(list.items.map((v) => v.auctionId)));
  let after: string | undefined;
  for (let page = 0; page < 50; page++) {
    const query = { limit: 100, ...(after ? { after } : {}) };
    const { items, nextCursor } = await ok(api.GET('/me/notifications', { params: { query } }));
    add(items);
    if (items.length < 100 || !nextCursor) break;
    after = nextCursor;
  }
}

/** Watches or stops watching; the star follows once the API said yes. */
export async function toggleWatch(auctionId: string) {
  const on = watched.get().has(auctionId);
  const path = { params: { path: { auctionId } } };
  await done(on ? api.DELETE('/me/watchlist/{auctionId}', path) : api.PUT('/me/watchlist/{auctionId}', path));
  const next = new Set(watched.get());
  if (on) next.delete(auctionId);
  else next.add(auctionId);
  watched.set(next);
}

onOpen((socket) => {
  if (!session.token) return;
  const after = newest();
  socket.send(JSON.stringify({ type: 'subscribe', channel: 'me', ...(after ? { after } : {}) }));
});
onLive((message) => {
  if (message.type === 'notification') add([(message as { notification: Notification }).notification]);
});
