// The analysts' pages: an auction's price over time (uPlot), its events, and a time slider that
// shows the auction as it stood at any instant (GET /auctions/:id/state?at=); the market summary
// and a what-if form. Text only, never HTML.
/* exported showAnalyst */
'use strict';

const analyst = {
  chart: undefined,
  times: [],
  auctionId: undefined,
  from: 0,
  to: 0,
  at: 0,
  timer: undefined,
};

/** Seconds since the epoch of an event: when the bidder bid, or when it was recorded. */
const eventTime = (e) => Date.parse(e.data.placedAt ?? e.data.raisedAt ?? e.recordedAt) / 1000;

function eventText(e, currency) {
  const d = e.data;
  switch (e.type) {
    case 'AuctionCreated':
      return `created: starting at ${money(d.startingPrice, currency)}, ends ${new Date(d.endsAt).toLocaleString()}`;
    case 'BidPlaced':
      return `${d.auto ? 'automatic bid' : 'bid'} ${money(d.amount, currency)} by bidder ${d.bidderId.slice(-4)}`;
    case 'AuctionExtended':
      return `extended to ${new Date(d.endsAt).toLocaleTimeString()}`;
    case 'AuctionEndingSoon':
      return 'ending soon';
    case 'AuctionCancelled':
      return 'cancelled';
    case 'AuctionClosed':
      return `closed: ${d.outcome}${d.finalPrice !== null ? ` at ${money(d.finalPrice, currency)}` : ''}`;
    default:
      return e.type;
  }
}

/** Marks drawn over the chart: extensions (dashed), the reserve (dashed), the instant shown (solid). */
function overlay(u, marks) {
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.lineWidth = 1.5 * devicePixelRatio;
  const vertical = (t, color, dash) => {
    const x = u.valToPos(t, 'x', true);
    if (x < left || x > left + width) return;
    ctx.strokeStyle = color;
    ctx.setLineDash(dash);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
  };
  for (const t of marks.extensions) vertical(t, '#8e44ad', [6, 4]);
  if (marks.reserve !== null) {
    const y = u.valToPos(marks.reserve, 'y', true);
    ctx.strokeStyle = '#c0392b';
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + width, y);
    ctx.stroke();
  }
  vertical(analyst.at, '#2c3e50', []);
  ctx.restore();
}

async function showAnalyst(auctionId) {
  show('analyst');
  analyst.auctionId = auctionId;
  $('an-back').href = `#/auction/${auctionId}`;
  const [{ data: events }, { data: view }] = await Promise.all([
    api('GET', `/auctions/${auctionId}/events`),
    api('GET', `/auctions/${auctionId}`),
  ]);
  if (current.id !== auctionId) return;
  $('an-title').textContent = view.title;
  const currency = view.currency;
  const bids = events.items.filter((e) => e.type === 'BidPlaced');
  const times = bids.map(eventTime);
  const manual = bids.map((e) => (e.data.auto ? null : e.data.amount / 100));
  const automatic = bids.map((e) => (e.data.auto ? e.data.amount / 100 : null));
  const price = bids.map((e) => e.data.amount / 100);
  const marks = {
    extensions: events.items.filter((e) => e.type === 'AuctionExtended').map(eventTime),
    // Only whoever may see the reserve (its seller) gets it from the API.
    reserve: typeof view.reservePrice === 'number' ? view.reservePrice / 100 : null,
  };
  analyst.from = eventTime(events.items[0]);
  analyst.to = Math.max(eventTime(events.items.at(-1)), ...times, analyst.from + 1);
  analyst.at = analyst.to;
  const chart = $('an-chart');
  chart.replaceChildren();
  analyst.chart?.destroy();
  analyst.chart = new uPlot(
    {
      width: Math.min(900, chart.clientWidth || 900),
      height: 320,
      scales: { x: { time: true, range: [analyst.from, analyst.to] } },
      series: [
        {},
        {
          label: `Price (${currency})`,
          stroke: '#2c3e50',
          width: 2,
          paths: uPlot.paths.stepped({ align: 1 }),
        },
        { label: 'Bid', stroke: '#2980b9', width: 0, points: { show: true, size: 9, fill: '#2980b9' } },
        {
          label: 'Automatic bid',
          stroke: '#e67e22',
          width: 0,
          points: { show: true, size: 10, fill: '#fff', width: 2 },
        },
      ],
      axes: [{}, { values: (_u, ticks) => ticks.map((v) => money(v * 100, currency)) }],
      hooks: { draw: [(u) => overlay(u, marks)] },
    },
    [times, price, manual, automatic],
    chart,
  );
  $('an-events').replaceChildren(
    ...events.items.map((e) => {
      const li = document.createElement('li');
      li.dataset.time = String(eventTime(e));
      li.textContent = `${new Date(e.recordedAt).toLocaleString()} · #${e.revision} ${eventText(e, currency)}`;
      return li;
    }),
  );
  $('an-slider').value = '1000';
  await showStateAt(analyst.to);
}

/** The auction as it stood at `seconds` (the state route folds its events up to then). */
async function showStateAt(seconds) {
  analyst.at = seconds;
  const iso = new Date(Math.round(seconds * 1000)).toISOString();
  $('an-at').textContent = new Date(iso).toLocaleString();
  $('an-at').dataset.at = iso;
  analyst.chart?.redraw(false, false);
  for (const li of $('an-events').children) li.classList.toggle('future', Number(li.dataset.time) > seconds);
  try {
    const { data: state } = await api(
      'GET',
      `/auctions/${analyst.auctionId}/state?at=${encodeURIComponent(iso)}`,
    );
    if ($('an-at').dataset.at !== iso) return; // the slider moved on meanwhile
    $('an-status').textContent = state.status;
    $('an-price').textContent = money(state.currentPrice, state.currency);
    $('an-leader').textContent = state.leadingBidderId ? `bidder ${state.leadingBidderId.slice(-4)}` : '—';
    $('an-bids').textContent = String(state.bidCount);
    $('an-ends').textContent = new Date(state.endsAt).toLocaleString();
    $('an-revision').textContent = String(state.revision);
    $('an-state').dataset.at = iso;
  } catch (error) {
    $('an-status').textContent = error.status === 404 ? 'did not exist yet' : error.message;
    for (const id of ['an-price', 'an-leader', 'an-bids', 'an-ends', 'an-revision']) $(id).textContent = '—';
    $('an-state').dataset.at = iso;
  }
}

$('an-slider').addEventListener('input', () => {
  const seconds = analyst.from + ((analyst.to - analyst.from) * Number($('an-slider').value)) / 1000;
  clearTimeout(analyst.timer);
  analyst.timer = setTimeout(() => showStateAt(seconds), 120);
});

// ---------------------------------------------------------------- the market
const isoOf = (local) => (local ? new Date(local).toISOString() : undefined);

$('summary-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const query = new URLSearchParams();
  for (const name of ['from', 'to']) if (form.get(name)) query.set(name, isoOf(form.get(name)));
  if (form.get('currency')) query.set('currency', String(form.get('currency')).toUpperCase());
  try {
    const { data } = await api('GET', `/analytics/summary?${query}`);
    const percent = (share) => `${(share * 100).toFixed(1)}%`;
    const rows = [
      ['Auctions ended', data.auctions],
      ['Closed', data.closed],
      ['Sold', data.sold],
      ['Sell-through', percent(data.sellThroughRate)],
      [
        'Revenue',
        Object.entries(data.revenue)
          .map(([c, v]) => money(v, c))
          .join(', ') || '—',
      ],
      ['Bids', data.bids],
      ['Bidders', data.bidders],
      ['Automatic bids', percent(data.proxyBidShare)],
      ['Late bids (last minute)', percent(data.lateBidShare)],
      ['Extensions', data.extensions],
      ['Median bids per auction', data.medianBidsPerAuction],
    ].map(([label, value]) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.textContent = label;
      const td = document.createElement('td');
      td.textContent = String(value);
      tr.append(th, td);
      return tr;
    });
    $('summary-table').replaceChildren(...rows);
  } catch (error) {
    $('summary-table').replaceChildren();
    $('notice').hidden = false;
    $('notice').textContent = error.message;
  }
});

$('whatif-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const rules = {};
  const softClose = form.get('softClose');
  if (softClose === 'off') rules.softClose = null;
  else if (softClose) {
    const [windowSeconds, extensionSeconds] = softClose.split(':').map(Number);
    rules.softClose = { windowSeconds, extensionSeconds };
  }
  const increment = form.get('increment');
  if (increment) rules.minIncrement = increment === 'ladder' ? 'ladder' : Number(increment);
  if (form.get('noProxy')) rules.proxyBidding = false;
  const body = { rules };
  for (const name of ['from', 'to']) if (form.get(name)) body[name] = isoOf(form.get(name));
  say('whatif-result', 'Replaying…');
  try {
    const { data } = await api('POST', '/analytics/what-if', body);
    const s = data.summary;
    const revenue = (r) =>
      Object.entries(r)
        .map(([c, v]) => money(v, c))
        .join(', ') || '—';
    say(
      'whatif-result',
      `${s.auctions} ${s.auctions === 1 ? 'auction' : 'auctions'} replayed, ${s.changed} would have ended otherwise. Revenue: ${revenue(s.revenueActual)} actual, ${revenue(s.revenueWhatIf)} what-if.`,
    );
    const result = (r, currency) =>
      r.outcome === 'sold'
        ? `sold for ${money(r.finalPrice, currency)} to ${r.winnerId.slice(-4)}`
        : r.outcome;
    $('whatif-table').replaceChildren(
      ...data.items
        .filter((i) => i.changed)
        .slice(0, 200)
        .map((i) => {
          const tr = document.createElement('tr');
          const a = document.createElement('a');
          a.href = `#/analyst/${i.auctionId}`;
          a.textContent = i.auctionId.slice(0, 8);
          const cells = [a, result(i.actual, i.currency), result(i.whatIf, i.currency)].map((c) => {
            const td = document.createElement('td');
            if (typeof c === 'string') td.textContent = c;
            else td.append(c);
            return td;
          });
          tr.append(...cells);
          return tr;
        }),
    );
  } catch (error) {
    say('whatif-result', error.message, true);
  }
});
