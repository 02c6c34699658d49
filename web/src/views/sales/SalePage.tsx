/** A sale's catalogue: its lots in order, each live from the one sale subscription; the seller adds lots here. */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type AuctionView, type SaleView } from '../../api';
import { money, plural } from '../../format';
import { onLive, serverNow, watchSale, type LiveMessage } from '../../live';
import { useTick } from '../../store';
import { session } from '../../session';
import { AuctionCard } from '../AuctionList';
import { AddLot } from './AddLot';
import { saleStatusText } from './SaleList';
import { BidderRegistration, RegistrationRequests } from './Registrations';

/** Every lot of a sale, in order (a sale has at most 1,000). */
async function allLots(saleId: string) {
  const lots: AuctionView[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const query = { limit: 100, ...(cursor ? { cursor } : {}) };
    const { items, nextCursor } = await ok(
      api.GET('/sales/{id}/lots', { params: { path: { id: saleId }, query } }),
    );
    lots.push(...items);
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  return lots;
}

/** A lot's pushed view in its place (or, for a new lot, after the others, in order). */
const placed = (lots: AuctionView[], pushed: AuctionView) => {
  const held = lots.find((l) => l.auctionId === pushed.auctionId);
  if (held) return lots.map((l) => (l === held && pushed.revision >= l.revision ? pushed : l));
  return [...lots, pushed].sort((a, b) => (a.lotNumber ?? 0) - (b.lotNumber ?? 0));
};

function useLiveSale(saleId: string, onError: (error: unknown) => void) {
  const [sale, setSale] = useState<SaleView>();
  const [lots, setLots] = useState<AuctionView[]>([]);
  useEffect(() => {
    let live = true;
    const loadSale = () =>
      ok(api.GET('/sales/{id}', { params: { path: { id: saleId } } })).then(
        (s) => live && setSale(s),
        onError,
      );
    void loadSale();
    allLots(saleId).then((items) => {
      if (!live) return;
      setLots(items);
      watchSale(saleId, items);
    }, onError);
    const off = onLive((message: LiveMessage) => {
      const pushed = (message as { auction?: AuctionView }).auction;
      if (message.type !== 'auction.event' || !pushed || pushed.saleId !== saleId) return;
      setLots((held) => placed(held, pushed));
      // The sale's own figures move when a lot is added or ends.
      const type = (message as { event?: { type: string } }).event?.type;
      if (type === 'AuctionCreated' || type === 'AuctionClosed' || type === 'AuctionCancelled')
        void loadSale();
    });
    return () => {
      live = false;
      off();
      watchSale(undefined);
    };
  }, [saleId]);
  return { sale, lots };
}

/** What was scheduled is open once its start has passed on the server's clock (views are read once). */
const startedBy = <T extends { status: string; startsAt: string }>(view: T, now: number): T =>
  view.status === 'scheduled' && now >= Date.parse(view.startsAt) ? { ...view, status: 'open' } : view;

export function SalePage({ saleId, onError }: { saleId: string; onError(error: unknown): void }) {
  const held = useLiveSale(saleId, onError);
  useTick(1000);
  if (!held.sale) return <p aria-busy="true">Loading…</p>;
  const now = serverNow();
  const sale = startedBy(held.sale, now);
  const lots = held.lots.map((lot) => startedBy(lot, now));
  const isSeller = session.userId === sale.sellerId;
  return (
    <section aria-labelledby="sale-title">
      <p>
        <a href="#/sales">← All sales</a>
      </p>
      <h1 id="sale-title">{sale.title}</h1>
      {sale.description && <p class="muted">{sale.description}</p>}
      <dl class="facts" aria-label="Sale figures">
        <dt>Status</dt>
        <dd>{saleStatusText(sale)}</dd>
        <dt>Lots</dt>
        <dd>{sale.lotCount}</dd>
        <dt>Between lots</dt>
        <dd>{plural(sale.lotGapSeconds, 'second')}</dd>
        <dt>Sold</dt>
        <dd>
          {plural(sale.lotsSold, 'lot')} for {money(sale.hammerTotal, sale.currency)}
        </dd>
      </dl>
      {isSeller && sale.status === 'scheduled' && <AddLot saleId={saleId} currency={sale.currency} />}
      {sale.requiresApproval && isSeller && <RegistrationRequests sale={sale} />}
      {sale.requiresApproval && !isSeller && session.token && sale.status !== 'closed' && (
        <BidderRegistration sale={sale} />
      )}
      <h2 id="lots-title">Lots</h2>
      {lots.length === 0 && <p>No lots yet.</p>}
      <ol class="cards" aria-labelledby="lots-title">
        {lots.map((view) => (
          <AuctionCard key={view.auctionId} view={view}>
            {' '}
            <span class="muted">Lot {view.lotNumber}</span> <span class="status">{view.status}</span>
          </AuctionCard>
        ))}
      </ol>
    </section>
  );
}
