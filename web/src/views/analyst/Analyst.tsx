/**
 * An auction's history for analysts: its price over time, its events, and a slider that shows the
 * auction as it stood at any instant (GET /auctions/:id/state?at=). One clock for all of it: the
 * time each event was recorded, which is what the state route goes by.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { ApiError, api, ok, type AuctionView, type Schemas } from '../../api';
import { money } from '../../format';
import { drawChart, type ChartData } from './chart';
import { eventText } from './eventText';
import { aliasesOf, bidderName } from '../aliases';

type HistoryEvent = Schemas['AuctionEvents']['items'][number];
const secondsOf = (e: HistoryEvent) => Date.parse(e.recordedAt) / 1000;

function chartData(events: HistoryEvent[], view: AuctionView): ChartData {
  const bids = events.filter((e) => e.type === 'BidPlaced');
  const amount = (e: HistoryEvent) => (e.data as { amount: number }).amount / 100;
  const auto = (e: HistoryEvent) => Boolean((e.data as { auto?: boolean }).auto);
  const from = secondsOf(events[0]!);
  return {
    times: bids.map(secondsOf),
    price: bids.map(amount),
    manual: bids.map((e) => (auto(e) ? null : amount(e))),
    automatic: bids.map((e) => (auto(e) ? amount(e) : null)),
    extensions: events.filter((e) => e.type === 'AuctionExtended').map(secondsOf),
    // Only whoever may see the reserve (its seller) gets it from the API.
    reserve: typeof view.reservePrice === 'number' ? view.reservePrice / 100 : null,
    from,
    to: Math.max(secondsOf(events.at(-1)!), from + 1),
    currency: view.currency,
  };
}

export function Analyst({ auctionId, onError }: { auctionId: string; onError(error: unknown): void }) {
  const [history, setHistory] = useState<{ events: HistoryEvent[]; view: AuctionView; data: ChartData }>();
  const [at, setAt] = useState<number>();
  const chart = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>();
  const atRef = useRef(0);
  useEffect(() => {
    Promise.all([
      ok(api.GET('/auctions/{id}/events', { params: { path: { id: auctionId } } })),
      ok(api.GET('/auctions/{id}', { params: { path: { id: auctionId } } })),
    ]).then(([{ items }, view]) => {
      const data = chartData(items, view);
      setHistory({ events: items, view, data });
      setAt(data.to);
    }, onError);
  }, [auctionId]);
  useEffect(() => {
    if (!history || !chart.current) return;
    plot.current?.destroy();
    plot.current = drawChart(chart.current, history.data, () => atRef.current);
    return () => plot.current?.destroy();
  }, [history]);
  useEffect(() => {
    atRef.current = at ?? 0;
    plot.current?.redraw(false, false);
  }, [at]);
  if (!history || at === undefined) return <p aria-busy="true">Loading…</p>;
  const { events, view, data } = history;
  const aliases = aliasesOf(
    events.flatMap((e) =>
      e.type === 'BidPlaced' ? [{ bidderId: e.data.bidderId, revision: e.revision }] : [],
    ),
  );
  const name = (id: string | null) => bidderName(aliases, id, undefined);
  return (
    <section aria-labelledby="analyst-title">
      <p>
        <a href={`#/auction/${auctionId}`}>← The auction</a>
      </p>
      <h1 id="analyst-title">Analyst view: {view.title}</h1>
      <div ref={chart} class="chart" role="img" aria-label="Price over time" />
      <p class="muted legend">
        Line: the price. ● a bid someone placed · ○ an automatic bid (a ceiling answering) · dashed verticals:
        soft-close extensions · dashed horizontal: the reserve (shown only to whoever may see it) · solid
        vertical: the instant shown below.
      </p>
      <StateAt auctionId={auctionId} from={data.from} to={data.to} at={at} onMove={setAt} name={name} />
      <h2>Events</h2>
      <ol class="events">
        {events.map((e) => (
          <li key={e.revision} class={secondsOf(e) > at ? 'future' : undefined}>
            {new Date(e.recordedAt).toLocaleString()} · #{e.revision} {eventText(e, view.currency, name)}
          </li>
        ))}
      </ol>
    </section>
  );
}

type State = Schemas['AuctionView'];

/** The auction as the state route says it stood at `iso`, asked once the slider rests (120 ms). */
function useStateAt(auctionId: string, iso: string) {
  const [shown, setShown] = useState<{ at: string; state?: State; missing?: string }>();
  useEffect(() => {
    let current = true;
    const missing = (error: unknown) =>
      error instanceof ApiError && error.status === 404 ? 'did not exist yet' : String(error);
    const timer = setTimeout(() => {
      ok(api.GET('/auctions/{id}/state', { params: { path: { id: auctionId }, query: { at: iso } } })).then(
        (state) => current && setShown({ at: iso, state }),
        (error: unknown) => current && setShown({ at: iso, missing: missing(error) }),
      );
    }, 120);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [iso]);
  return shown;
}

/** The slider and the auction as it stood at its instant. */
function StateAt(props: {
  auctionId: string;
  from: number;
  to: number;
  at: number;
  onMove(at: number): void;
  name(bidderId: string | null): string;
}) {
  const { auctionId, from, to, at, onMove, name } = props;
  const iso = new Date(Math.round(at * 1000)).toISOString();
  const shown = useStateAt(auctionId, iso);
  const value = Math.round(((at - from) / (to - from)) * 1000);
  const s = shown?.state;
  return (
    <>
      <label>
        As it stood at{' '}
        <input
          type="range"
          min="0"
          max="1000"
          value={value}
          onInput={(e) => onMove(from + ((to - from) * Number((e.target as HTMLInputElement).value)) / 1000)}
        />{' '}
        <output>{new Date(iso).toLocaleString()}</output>
      </label>
      <dl class="facts" aria-label="The auction then" data-at={shown?.at}>
        <dt>Status</dt>
        <dd>{s ? s.status : (shown?.missing ?? '…')}</dd>
        <dt>Price</dt>
        <dd>{s ? money(s.currentPrice, s.currency) : '—'}</dd>
        <dt>Leader</dt>
        <dd>{s ? name(s.leadingBidderId) : '—'}</dd>
        <dt>Bids</dt>
        <dd>{s ? s.bidCount : '—'}</dd>
        <dt>Ends</dt>
        <dd>{s ? new Date(s.endsAt).toLocaleString() : '—'}</dd>
        <dt>Revision</dt>
        <dd>{s ? s.revision : '—'}</dd>
      </dl>
    </>
  );
}
