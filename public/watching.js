// Watching and notifications on the live page: the star on each auction, the watchlist view, and
// the bell with the signed-in user's notifications, live over the WebSocket `me` channel and
// caught up after the newest one held on every (re)connect. Text only, never HTML.
/* exported resetWatching, showWatchlist, paintStars */
'use strict';

const watching = {
  ids: new Set(), // the auctions the user watches
  notifications: [], // oldest first, as the server orders them
  seen: new Set(), // notification ids held (live and loaded ones meet here)
  get newest() {
    return this.notifications.at(-1)?.cursor;
  },
  get readKey() {
    return `notificationsReadUpTo:${session.userId}`;
  },
};

function resetWatching() {
  watching.ids.clear();
  watching.notifications = [];
  watching.seen.clear();
  $('notifications-panel').hidden = true;
  paintBell();
  paintStars();
  loadWatching().catch(() => {});
}

async function loadWatching() {
  if (!session.token) return;
  const { data: list } = await api('GET', '/me/watchlist?limit=100');
  for (const view of list.items) watching.ids.add(view.auctionId);
  paintStars();
  // Every page from the start (a page is 100): the bell counts what came after the last one read.
  let after;
  for (let page = 0; page < 50; page++) {
    const { data } = await api('GET', `/me/notifications?limit=100${after ? `&after=${after}` : ''}`);
    for (const n of data.items) addNotification(n);
    if (data.items.length < 100) break;
    after = data.nextCursor;
  }
  paintBell();
}

function addNotification(n) {
  if (watching.seen.has(n.notificationId)) return;
  watching.seen.add(n.notificationId);
  watching.notifications.push(n);
}

function unreadCount() {
  const readUpTo = localStorage.getItem(watching.readKey);
  const index = watching.notifications.findIndex((n) => n.cursor === readUpTo);
  return watching.notifications.length - (index + 1);
}

function paintBell() {
  const unread = session.token ? unreadCount() : 0;
  $('bell-count').textContent = String(unread);
  $('bell-count').hidden = unread === 0;
  $('bell').title = unread ? `${unread} new notification${unread === 1 ? '' : 's'}` : 'Notifications';
  if (!$('notifications-panel').hidden) paintNotifications();
}

function notificationText(n) {
  const a = n.auction;
  const title = `“${a.title}”`;
  switch (n.kind) {
    case 'outbid':
      return `Outbid on ${title}: the price is now ${money(a.currentPrice, a.currency)}.`;
    case 'won':
      return `You won ${title} for ${money(a.finalPrice, a.currency)}.`;
    case 'lost':
      return `${title} has ended: you did not win it.`;
    case 'ending_soon':
      return `${title} ends soon, at ${new Date(a.endsAt).toLocaleTimeString()}.`;
    case 'cancelled':
      return `${title} was cancelled.`;
    default:
      return `${title}: ${n.kind}`;
  }
}

function paintNotifications() {
  const items = watching.notifications
    .slice()
    .reverse()
    .map((n) => {
      const li = document.createElement('li');
      li.className = `kind-${n.kind}`;
      const link = document.createElement('a');
      link.href = `#/auction/${n.auctionId}`;
      link.textContent = notificationText(n);
      const when = document.createElement('span');
      when.className = 'muted';
      when.textContent = ` ${new Date(n.at).toLocaleString()}`;
      li.append(link, when);
      return li;
    });
  $('notification-list').replaceChildren(...items);
  $('notifications-empty').hidden = items.length > 0;
}

$('bell').addEventListener('click', () => {
  const panel = $('notifications-panel');
  panel.hidden = !panel.hidden;
  $('bell').setAttribute('aria-expanded', String(!panel.hidden));
  if (panel.hidden) return;
  if (watching.newest) localStorage.setItem(watching.readKey, watching.newest);
  paintNotifications();
  paintBell();
});

// The `me` channel: on every (re)connect, what came after the newest held, then live ones.
live.openHooks.add((ws) => {
  if (!session.token) return;
  const message = { type: 'subscribe', channel: 'me' };
  if (watching.newest) message.after = watching.newest;
  ws.send(JSON.stringify(message));
});
live.listeners.add((message) => {
  if (message.type !== 'notification') return;
  addNotification(message.notification);
  paintBell();
});

function paintStars() {
  for (const el of document.querySelectorAll('[data-watch]')) {
    const on = watching.ids.has(el.dataset.watch);
    el.hidden = !session.token;
    el.textContent = on ? '★' : '☆';
    el.setAttribute('aria-pressed', String(on));
    el.title = on ? 'Watching: you are told when it ends soon. Press to stop.' : 'Watch this auction';
  }
}

document.addEventListener('click', async (event) => {
  const star = event.target.closest?.('[data-watch]');
  if (!star || !session.token) return;
  event.preventDefault();
  const auctionId = star.dataset.watch;
  const on = watching.ids.has(auctionId);
  try {
    await api(on ? 'DELETE' : 'PUT', `/me/watchlist/${auctionId}`);
    if (on) watching.ids.delete(auctionId);
    else watching.ids.add(auctionId);
    paintStars();
    if (current.name === 'watchlist' && on) star.closest('li')?.remove();
  } catch (error) {
    $('notice').hidden = false;
    $('notice').textContent = `Could not change the watchlist: ${error.message}`;
  }
});

async function showWatchlist() {
  show('watchlist');
  const { data } = await api('GET', '/me/watchlist?limit=100');
  const items = data.items.map((view) => {
    watching.ids.add(view.auctionId);
    const { li, meta } = auctionCard(view);
    meta.textContent = `${money(view.currentPrice ?? view.startingPrice, view.currency)} · ${view.status} · ${countdown(view)}`;
    return li;
  });
  $('watchlist').replaceChildren(...items);
  $('watchlist-empty').hidden = items.length > 0;
  paintStars();
}

loadWatching().catch(() => {});
