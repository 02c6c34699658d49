/** The market over a range (the summary), and what-if: closed auctions replayed under other rules. */
import { useState } from 'preact/hooks';
import { api, ok, type Reply, type paths, failureText } from '../../api';
import { money, plural } from '../../format';

type Summary = Reply<'/analytics/summary', 'get'>;
type WhatIf = Reply<'/analytics/what-if', 'post'>;
type Rules = NonNullable<
  paths['/analytics/what-if']['post']['requestBody']
>['content']['application/json']['rules'];

const isoOf = (local: FormDataEntryValue | null) =>
  local ? new Date(String(local)).toISOString() : undefined;
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const revenue = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([c, v]) => money(v, c))
    .join(', ') || '—';

const summaryRows = (s: Summary): Array<[string, string | number]> => [
  ['Auctions ended', s.auctions],
  ['Closed', s.closed],
  ['Sold', s.sold],
  ['Sell-through', percent(s.sellThroughRate)],
  ['Revenue', revenue(s.revenue)],
  ['Bids', s.bids],
  ['Bidders', s.bidders],
  ['Automatic bids', percent(s.proxyBidShare)],
  ['Late bids (last minute)', percent(s.lateBidShare)],
  ['Extensions', s.extensions],
  ['Median bids per auction', s.medianBidsPerAuction],
];

const messageOf = (e: unknown) => failureText(e);

function SummaryForm() {
  const [summary, setSummary] = useState<Summary>();
  const [error, setError] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const currency = String(form.get('currency') ?? '').toUpperCase();
    const query = {
      from: isoOf(form.get('from')),
      to: isoOf(form.get('to')),
      ...(currency ? { currency } : {}),
    };
    try {
      setSummary(await ok(api.GET('/analytics/summary', { params: { query } })));
      setError('');
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <>
      <form class="row" onSubmit={submit} aria-label="Market summary">
        <label>
          From <input name="from" type="datetime-local" />
        </label>
        <label>
          To <input name="to" type="datetime-local" />
        </label>
        <label>
          Currency <input name="currency" maxLength={3} placeholder="all" />
        </label>
        <button type="submit">Summarise</button>
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {summary && (
        <table aria-label="Summary">
          <tbody>
            {summaryRows(summary).map(([label, value]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function rulesOf(form: FormData): Rules {
  const rules: Rules = {};
  const softClose = String(form.get('softClose') ?? '');
  if (softClose === 'off') rules.softClose = null;
  else if (softClose) {
    const [windowSeconds, extensionSeconds] = softClose.split(':').map(Number) as [number, number];
    rules.softClose = { windowSeconds, extensionSeconds };
  }
  const increment = String(form.get('increment') ?? '');
  if (increment) rules.minIncrement = increment === 'ladder' ? 'ladder' : Number(increment);
  if (form.get('noProxy')) rules.proxyBidding = false;
  const format = String(form.get('format') ?? '');
  if (format === 'sealed_first_price' || format === 'sealed_second_price') rules.format = format;
  return rules;
}

const resultText = (r: WhatIf['items'][number]['actual'], currency: string) =>
  r.outcome === 'sold'
    ? `sold for ${money(r.finalPrice, currency)} to ${String(r.winnerId).slice(-4)}`
    : r.outcome;

function RuleFields() {
  return (
    <>
      <label>
        From <input name="from" type="datetime-local" />
      </label>
      <label>
        To <input name="to" type="datetime-local" />
      </label>
      <label>
        Soft close
        <select name="softClose">
          <option value="">as it was</option>
          <option value="off">off</option>
          <option value="120:120">2 min window, 2 min extension</option>
          <option value="300:300">5 min window, 5 min extension</option>
        </select>
      </label>
      <label>
        Increment
        <select name="increment">
          <option value="">as it was</option>
          <option value="ladder">the ladder</option>
          <option value="100">fixed 1.00</option>
          <option value="500">fixed 5.00</option>
        </select>
      </label>
      <label>
        Format
        <select name="format">
          <option value="">as it was</option>
          <option value="sealed_first_price">sealed bids, first price</option>
          <option value="sealed_second_price">sealed bids, second price</option>
        </select>
      </label>
      <label>
        <input name="noProxy" type="checkbox" /> no proxy bidding
      </label>
    </>
  );
}

/** Revenue by currency, as it was and under the other rules, side by side. */
function RevenueTable({ summary }: { summary: WhatIf['summary'] }) {
  return (
    <table aria-label="Revenue, actual and what-if">
      <thead>
        <tr>
          <th scope="col">Currency</th>
          <th scope="col">Actual</th>
          <th scope="col">What if</th>
        </tr>
      </thead>
      <tbody>
        {Object.keys(summary.revenueActual).map((c) => (
          <tr key={c}>
            <th scope="row">{c}</th>
            <td>{money(summary.revenueActual[c] ?? 0, c)}</td>
            <td>{money(summary.revenueWhatIf[c] ?? 0, c)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ChangedTable({ reply }: { reply: WhatIf }) {
  return (
    <table aria-label="Auctions that would have ended otherwise">
      <thead>
        <tr>
          <th scope="col">Auction</th>
          <th scope="col">Actual</th>
          <th scope="col">What if</th>
        </tr>
      </thead>
      <tbody>
        {reply.items
          .filter((i) => i.changed)
          .slice(0, 200)
          .map((i) => (
            <tr key={i.auctionId}>
              <td>
                <a href={`#/analyst/${i.auctionId}`}>{i.auctionId.slice(0, 8)}</a>
              </td>
              <td>{resultText(i.actual, i.currency)}</td>
              <td>{resultText(i.whatIf, i.currency)}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

function WhatIfForm() {
  const [reply, setReply] = useState<WhatIf>();
  const [status, setStatus] = useState({ text: '', error: false });
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const body = { rules: rulesOf(form), from: isoOf(form.get('from')), to: isoOf(form.get('to')) };
    setStatus({ text: 'Replaying…', error: false });
    try {
      const data = await ok(api.POST('/analytics/what-if', { body }));
      const s = data.summary;
      setReply(data);
      setStatus({
        text: `${plural(s.auctions, 'auction')} replayed, ${s.changed} would have ended otherwise. Revenue: ${revenue(s.revenueActual)} actual, ${revenue(s.revenueWhatIf)} what-if.`,
        error: false,
      });
    } catch (e) {
      setStatus({ text: messageOf(e), error: true });
    }
  };
  return (
    <>
      <h2>What if the rules had been others?</h2>
      <form class="row" onSubmit={submit} aria-label="What if">
        <RuleFields />
        <button type="submit">Replay</button>
      </form>
      <p role="status" class={status.error ? 'error' : undefined}>
        {status.text}
      </p>
      {reply && <RevenueTable summary={reply.summary} />}
      {reply && <ChangedTable reply={reply} />}
    </>
  );
}

export function Market() {
  return (
    <section aria-labelledby="market-title">
      <h1 id="market-title">Market</h1>
      <SummaryForm />
      <WhatIfForm />
    </section>
  );
}
