// The live auction page: plain browser JavaScript over the public HTTP API and the /ws WebSocket.
// Every value from the server goes into the page as text (textContent), never as HTML.
'use strict';

const $ = (id) => document.getElementById(id);
const session = {
  get token() {
    return localStorage.getItem('token');
  },
  get userId() {
    return localStorage.getItem('userId');
  },
  set(userId, token) {
    localStorage.setItem('userId', userId);
    localStorage.setItem('token', token);
  },
  clear() {
    localStorage.removeItem('userId');
    localStorage.removeItem('token');
  },
};

/** The roles of the signed-in user's token (for showing the analysts' pages; the API decides). */
function tokenRoles() {
  try {
    const payload = session.token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).roles ?? [];
  } catch {
    return [];
  }
}
const isAnalyst = () => Boolean(session.token) && tokenRoles().some((r) => r === 'analyst' || r === 'admin');

// Countdowns run on the server's clock: the offset comes from each `subscribed` message.
let clockOffsetMs = 0;
const serverNow = () => Date.now() + clockOffsetMs;

const money = (minor, currency) =>
  minor === null || minor === undefined
    ? '—'
    : new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 100);
const toMinor = (value) => Math.round(Number(value) * 100);

function countdown(view) {
  if (view.status === 'closed') return outcomeText(view);
  if (view.status === 'cancelled') return 'cancelled';
  const target = Date.parse(view.status === 'scheduled' ? view.startsAt : view.endsAt);
  const ms = Math.max(0, target - serverNow());
  const s = Math.floor(ms / 1000);
  const text = `${Math.floor(s / 86400) ? `${Math.floor(s / 86400)}d ` : ''}${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  if (view.status === 'scheduled') return `starts in ${text}`;
  return ms === 0 ? 'closing…' : text;
}

function outcomeText(view) {
  if (view.outcome === 'sold') return `sold for ${money(view.finalPrice, view.currency)}`;
  if (view.outcome === 'reserve_not_met') return 'closed: reserve not met';
  return 'closed: no bids';
}

// The highest log position this page has seen: in a command reply, an X-Projection-Position
// or a live event. Every read sends it as X-Min-Position, so the server answers from a read
// model at least that far along: the page reads its own writes and never goes back in time
// from one route (or read model) to the next.
let lastPosition;

function sawPosition(position) {
  if (typeof position === 'string' && position && (!lastPosition || position > lastPosition))
    lastPosition = position;
}

async function api(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (session.token) init.headers.authorization = `Bearer ${session.token}`;
  if (method === 'GET' && lastPosition) init.headers['x-min-position'] = lastPosition;
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  sawPosition(res.headers.get('x-projection-position'));
  const data = res.headers.get('content-type')?.includes('json') ? await res.json() : undefined;
  if (res.status === 401 && session.token && path !== '/auth/login') {
    session.clear();
    renderSession();
  }
  if (!res.ok) {
    const error = new Error(data?.detail ?? data?.title ?? `HTTP ${res.status}`);
    Object.assign(error, { status: res.status, code: data?.code, problem: data });
    throw error;
  }
  if (method !== 'GET') sawPosition(data?.position ?? res.headers.get('x-event-position'));
  return { data };
}

function say(id, text, isError = false) {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle('error', isError);
}

// ---------------------------------------------------------------- live updates
const live = {
  ws: undefined,
  subscriptions: new Map(), // auctionId -> last revision seen (resume point)
  listeners: new Set(),
  openHooks: new Set(),
  retryMs: 500,
  connect() {
    const url = new URL('/ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (session.token) url.searchParams.set('token', session.token);
    const ws = (this.ws = new WebSocket(url));
    ws.onopen = () => {
      this.retryMs = 500;
      $('connection').textContent = 'live';
      $('connection').classList.add('live');
      for (const [auctionId, revision] of this.subscriptions) this.send(auctionId, revision);
      for (const hook of this.openHooks) hook(ws);
    };
    ws.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === 'subscribed') clockOffsetMs = Date.parse(message.serverTime) - Date.now();
      const auction = message.auction;
      if (auction && this.subscriptions.has(auction.auctionId)) {
        const seen = this.subscriptions.get(auction.auctionId);
        const revision = message.event ? message.event.revision : auction.revision;
        if (seen === undefined || revision > seen) this.subscriptions.set(auction.auctionId, revision);
      }
      for (const listener of this.listeners) listener(message);
    };
    ws.onclose = () => {
      $('connection').textContent = 'reconnecting…';
      $('connection').classList.remove('live');
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    };
  },
  send(auctionId, afterRevision) {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    const message = { type: 'subscribe', auctionId };
    if (afterRevision !== undefined) message.afterRevision = afterRevision;
    this.ws.send(JSON.stringify(message));
  },
  watch(ids) {
    for (const id of [...this.subscriptions.keys()]) {
      if (ids.includes(id)) continue;
      this.subscriptions.delete(id);
      if (this.ws?.readyState === WebSocket.OPEN)
        this.ws.send(JSON.stringify({ type: 'unsubscribe', auctionId: id }));
    }
    for (const id of ids) {
      if (this.subscriptions.has(id)) continue;
      this.subscriptions.set(id, undefined);
      this.send(id);
    }
  },
  reconnect() {
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.close();
    }
    this.connect();
  },
};

// ---------------------------------------------------------------- views
const views = ['list', 'auction', 'create', 'me', 'watchlist', 'analyst', 'market', 'login'];
let current = { name: 'list' };

function show(name) {
  for (const v of views) $(`view-${v}`).hidden = v !== name;
}

function renderSession() {
  const signedIn = Boolean(session.token);
  for (const el of document.querySelectorAll('[data-auth]')) el.hidden = !signedIn;
  for (const el of document.querySelectorAll('[data-anon]')) el.hidden = signedIn;
  for (const el of document.querySelectorAll('[data-analyst]')) el.hidden = !isAnalyst();
  $('whoami').textContent = signedIn ? (localStorage.getItem('displayName') ?? '') : '';
}

/** A card of an auction for a list: its link, its watch star, and a place for its figures. */
function auctionCard(view) {
  const li = document.createElement('li');
  li.dataset.auctionId = view.auctionId;
  const link = document.createElement('a');
  link.href = `#/auction/${view.auctionId}`;
  link.textContent = view.title;
  const star = document.createElement('button');
  star.type = 'button';
  star.className = 'star';
  star.dataset.watch = view.auctionId;
  const meta = document.createElement('div');
  meta.className = 'meta';
  li.append(link, star, meta);
  return { li, meta };
}

// Open auctions, with live prices and countdowns.
const listed = new Map();
async function showList() {
  show('list');
  const { data } = await api('GET', '/auctions?status=open&sort=endingSoon&limit=50');
  listed.clear();
  const list = $('auction-list');
  list.replaceChildren();
  for (const view of data.items) {
    listed.set(view.auctionId, view);
    const { li, meta } = auctionCard(view);
    const price = document.createElement('span');
    price.className = 'price';
    const timer = document.createElement('span');
    timer.className = 'countdown';
    meta.append(price, timer);
    list.append(li);
    paintCard(view);
  }
  $('list-empty').hidden = data.items.length > 0;
  live.watch(data.items.map((v) => v.auctionId));
}

function paintCard(view) {
  const li = document.querySelector(`#auction-list li[data-auction-id="${view.auctionId}"]`);
  if (!li) return;
  li.querySelector('.price').textContent =
    `${money(view.currentPrice ?? view.startingPrice, view.currency)} · ${view.bidCount} bid${view.bidCount === 1 ? '' : 's'}`;
  li.querySelector('.countdown').textContent = countdown(view);
  paintStars();
}

// One auction, watched live.
let watched;
/**
 * A link to an auction created a moment ago (by someone else) can arrive before the read models
 * show it: a 404 is retried for a few seconds before the page believes it.
 */
async function withPatience(load) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await load();
    } catch (error) {
      if (error.status !== 404 || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

async function showAuction(auctionId) {
  show('auction');
  say('bid-result', '');
  $('bid-list').replaceChildren();
  watched = undefined;
  // One after the other: the bids are read at least as far along the log as the view.
  const [{ data: view }, { data: bids }] = await withPatience(async () => {
    const auction = await api('GET', `/auctions/${auctionId}`);
    return [auction, await api('GET', `/auctions/${auctionId}/bids?limit=100`)];
  });
  if (current.id !== auctionId) return; // the reader moved on meanwhile
  watched = view;
  for (const bid of bids.items.slice().reverse()) addBid(bid, view.currency, false);
  paintAuction(view);
  const minimum = view.minimumBid ?? view.startingPrice;
  $('bid-amount').value = (minimum / 100).toFixed(2);
  live.watch([auctionId]);
}

function paintAuction(view) {
  const me = session.userId;
  const isSeller = Boolean(me) && me === view.sellerId;
  const open = view.status === 'open';
  $('a-title').textContent = view.title;
  $('a-description').textContent = view.description;
  $('a-price').textContent = money(view.currentPrice, view.currency);
  $('a-minimum').textContent = money(view.minimumBid, view.currency);
  $('a-leader').textContent = !view.leadingBidderId
    ? '—'
    : view.leadingBidderId === me
      ? 'you'
      : 'another bidder';
  $('a-bidcount').textContent = String(view.bidCount);
  $('a-status').textContent = view.status;
  $('a-countdown').textContent = countdown(view);
  const hasMax = typeof view.myMaxAmount === 'number';
  $('a-mymax-label').hidden = $('a-mymax').hidden = !hasMax;
  if (hasMax) $('a-mymax').textContent = `${money(view.myMaxAmount, view.currency)} (only you see this)`;
  const hasReserve = isSeller && view.reservePrice !== null && view.reservePrice !== undefined;
  $('a-reserve-label').hidden = $('a-reserve').hidden = !hasReserve;
  if (hasReserve)
    $('a-reserve').textContent =
      `${money(view.reservePrice, view.currency)}${view.reserveMet ? ' (met)' : ''}`;
  $('a-seller-note').hidden = !isSeller || !open;
  $('a-result').hidden = view.status !== 'closed' && view.status !== 'cancelled';
  $('a-result').textContent = resultText(view, me);
  $('no-bids').hidden = view.bidCount > 0;
  $('a-login-note').hidden = Boolean(me) || !open;
  $('bid-form').hidden = !me || isSeller || !open;
  $('a-watch').dataset.watch = view.auctionId;
  $('a-analyst-link').href = `#/analyst/${view.auctionId}`;
  paintStars();
}

/** What a closed auction means for whoever is looking at it. */
function resultText(view, me) {
  if (view.status === 'cancelled') return 'This auction was cancelled.';
  if (view.status !== 'closed') return '';
  if (view.outcome === 'sold') {
    if (view.winnerId === me) return `You won this auction for ${money(view.finalPrice, view.currency)}.`;
    if (view.sellerId === me) return `Sold for ${money(view.finalPrice, view.currency)}.`;
    return `Sold to another bidder for ${money(view.finalPrice, view.currency)}.`;
  }
  if (view.outcome === 'reserve_not_met') return 'Closed: the reserve was not met, so nothing was sold.';
  return 'Closed with no bids.';
}

function addBid(bid, currency, fresh) {
  const li = document.createElement('li');
  li.dataset.bidId = bid.bidId;
  const who = bid.bidderId === session.userId ? 'you' : `bidder ${bid.bidderId.slice(-4)}`;
  li.textContent = `${money(bid.amount, currency)} by ${who}${bid.auto ? ' (automatic)' : ''} at ${new Date(bid.placedAt).toLocaleTimeString()}`;
  if (fresh) li.className = 'fresh';
  $('bid-list').prepend(li);
}

live.listeners.add((message) => {
  if (message.type !== 'auction.event' && message.type !== 'subscribed') return;
  if (!message.auction) return; // the me channel's own `subscribed`
  sawPosition(message.event?.position);
  // Pushed views are public: the seller keeps the reserve their own GET showed them.
  // Pushed views are public: the seller keeps the reserve, and the leader their own maximum, that
  // their own reads showed them (a maximum only while they still lead).
  const mine = watched?.auctionId === message.auction.auctionId ? watched : undefined;
  const stillLeads = mine && message.auction.leadingBidderId === session.userId;
  const view = {
    ...message.auction,
    ...(mine?.reservePrice !== undefined ? { reservePrice: mine.reservePrice } : {}),
    myMaxAmount: stillLeads ? mine.myMaxAmount : null,
  };
  if (listed.has(view.auctionId)) {
    listed.set(view.auctionId, view);
    paintCard(view);
  }
  if (watched && watched.auctionId === view.auctionId && view.revision >= watched.revision) {
    const event = message.event;
    if (
      event?.type === 'BidPlaced' &&
      !document.querySelector(`#bid-list li[data-bid-id="${event.data.bidId}"]`)
    )
      addBid(event.data, view.currency, true);
    watched = view;
    paintAuction(view);
  }
});

setInterval(() => {
  for (const view of listed.values()) paintCard(view);
  if (watched && current.name === 'auction') $('a-countdown').textContent = countdown(watched);
}, 250);

$('bid-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = { amount: toMinor($('bid-amount').value) };
  if ($('bid-max').value) body.maxAmount = toMinor($('bid-max').value);
  $('bid-submit').disabled = true;
  try {
    const { data } = await api('POST', `/auctions/${watched.auctionId}/bids`, body, {
      'Idempotency-Key': crypto.randomUUID(),
    });
    if (data.maxAmount !== undefined) {
      // You led already: only your own maximum went up, privately; nobody sees a new bid.
      watched = { ...watched, myMaxAmount: data.maxAmount, currentPrice: data.currentPrice };
      paintAuction(watched);
      say(
        'bid-result',
        `You still lead at ${money(data.currentPrice, watched.currency)}; your maximum is now ${money(data.maxAmount, watched.currency)} (only you see it).`,
      );
    } else {
      if (data.status === 'leading') {
        watched = { ...watched, myMaxAmount: body.maxAmount ?? body.amount };
        paintAuction(watched);
      }
      say(
        'bid-result',
        data.status === 'leading'
          ? `You lead at ${money(data.currentPrice, watched.currency)}.`
          : `Recorded, but an automatic bid outbid you: the price is ${money(data.currentPrice, watched.currency)}.`,
      );
    }
    $('bid-max').value = '';
  } catch (error) {
    const minimum = error.problem?.minimumBid;
    say(
      'bid-result',
      minimum ? `${error.message} The minimum bid is ${money(minimum, watched.currency)}.` : error.message,
      true,
    );
  } finally {
    $('bid-submit').disabled = false;
  }
});

$('create-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = {
    title: form.get('title'),
    description: form.get('description') || undefined,
    currency: form.get('currency'),
    startingPrice: toMinor(form.get('startingPrice')),
    endsAt: new Date(serverNow() + Number(form.get('minutes')) * 60_000).toISOString(),
  };
  if (form.get('reservePrice')) body.reservePrice = toMinor(form.get('reservePrice'));
  try {
    const { data } = await api('POST', '/auctions', body, { 'Idempotency-Key': crypto.randomUUID() });
    event.target.reset();
    say('create-result', '');
    location.hash = `#/auction/${data.auctionId}`;
  } catch (error) {
    const fields = error.problem?.errors?.map((e) => `${e.field.replace(/^body\./, '')} ${e.message}`);
    say('create-result', fields?.length ? fields.join('; ') : error.message, true);
  }
});

async function showMe() {
  show('me');
  const { data } = await api('GET', '/me/bids?limit=100');
  const rows = data.items.map((item) => {
    const tr = document.createElement('tr');
    const cells = [
      item.title,
      money(item.myHighestBid, item.currency) +
        (item.myMaxAmount !== null ? ` (your maximum ${money(item.myMaxAmount, item.currency)})` : ''),
      money(item.currentPrice, item.currency),
      item.state,
      new Date(item.endsAt).toLocaleString(),
    ];
    cells.forEach((text, i) => {
      const td = document.createElement('td');
      if (i === 0) {
        const a = document.createElement('a');
        a.href = `#/auction/${item.auctionId}`;
        a.textContent = text;
        td.append(a);
      } else td.textContent = text;
      if (i === 3) td.className = `state-${item.state}`;
      tr.append(td);
    });
    tr.dataset.auctionId = item.auctionId;
    return tr;
  });
  $('my-bids').replaceChildren(...rows);
  $('me-empty').hidden = rows.length > 0;
}

async function signedIn(data, displayName) {
  session.set(data.userId, data.token);
  const me = await api('GET', '/me');
  localStorage.setItem('displayName', displayName ?? me.data.displayName);
  renderSession();
  resetWatching();
  live.reconnect();
  location.hash = '#/';
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    const { data } = await api('POST', '/auth/login', {
      email: form.get('email'),
      password: form.get('password'),
    });
    say('login-result', '');
    await signedIn(data);
  } catch (error) {
    say('login-result', error.message, true);
  }
});

$('signup-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = {
    email: form.get('email'),
    password: form.get('password'),
    displayName: form.get('displayName'),
  };
  try {
    const { data } = await api('POST', '/auth/register', body);
    say('login-result', '');
    await signedIn(data, body.displayName);
  } catch (error) {
    say('login-result', error.message, true);
  }
});

$('logout').addEventListener('click', () => {
  session.clear();
  localStorage.removeItem('displayName');
  renderSession();
  resetWatching();
  live.reconnect();
  location.hash = '#/';
});

async function route() {
  const hash = location.hash || '#/';
  const auction = /^#\/auction\/([0-9a-f-]{36})$/i.exec(hash);
  const analyst = /^#\/analyst\/([0-9a-f-]{36})$/i.exec(hash);
  $('notice').hidden = true;
  try {
    if (auction) {
      current = { name: 'auction', id: auction[1] };
      return await showAuction(auction[1]);
    }
    watched = undefined;
    if (analyst && isAnalyst())
      return ((current = { name: 'analyst', id: analyst[1] }), await showAnalyst(analyst[1]));
    if (hash === '#/market' && isAnalyst()) return ((current = { name: 'market' }), show('market'));
    if (hash === '#/create' && session.token) return ((current = { name: 'create' }), show('create'));
    if (hash === '#/me' && session.token) return ((current = { name: 'me' }), await showMe());
    if (hash === '#/watchlist' && session.token)
      return ((current = { name: 'watchlist' }), await showWatchlist());
    if (['#/login', '#/create', '#/me', '#/watchlist', '#/market'].includes(hash) || analyst)
      return ((current = { name: 'login' }), show('login'));
    current = { name: 'list' };
    await showList();
  } catch (error) {
    $('notice').hidden = false;
    $('notice').textContent =
      error.status === 404 ? 'No such auction.' : `Something went wrong: ${error.message}`;
  }
}

window.addEventListener('hashchange', route);
// A click on the link of the page already shown refreshes it.
document.addEventListener('click', (event) => {
  const link = event.target.closest?.('a[href^="#"]');
  if (link && link.getAttribute('href') === (location.hash || '#/')) route();
});
// New auctions have no live feed: the list refreshes itself while it is shown.
setInterval(() => {
  if (current.name === 'list' && !document.hidden) showList().catch(() => {});
}, 5000);
renderSession();
live.connect();
// After every script of the page has run (the watching and analyst views are in their own files).
document.addEventListener('DOMContentLoaded', () => route());
