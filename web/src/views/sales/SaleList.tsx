/** The sales: newest first, each with its status, its lots and what it has sold. */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type SaleView } from '../../api';
import { endsAtText, money, plural } from '../../format';
import { session } from '../../session';

export function SaleList({ visit, onError }: { visit: number; onError(error: unknown): void }) {
  const [items, setItems] = useState<SaleView[]>();
  useEffect(() => {
    let shown = true;
    ok(api.GET('/sales', { params: { query: { limit: 50 } } })).then(
      (page) => shown && setItems(page.items),
      (error: unknown) => shown && onError(error),
    );
    return () => void (shown = false);
  }, [visit]);
  return (
    <section aria-labelledby="sales-title">
      <h1 id="sales-title">Sales</h1>
      {session.token && (
        <p>
          <a href="#/sales/new">Create a sale</a>
        </p>
      )}
      {items && items.length === 0 && <p>No sales yet.</p>}
      <ul class="cards" aria-labelledby="sales-title">
        {items?.map((sale) => (
          <li key={sale.saleId}>
            <a href={`#/sale/${sale.saleId}`}>{sale.title}</a>
            <div class="meta">
              {saleStatusText(sale)} · {plural(sale.lotCount, 'lot')}
              {sale.lotsSold > 0 &&
                ` · ${plural(sale.lotsSold, 'lot')} sold for ${money(sale.hammerTotal, sale.currency)}`}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The sale's status in words, with its times. */
export function saleStatusText(sale: SaleView) {
  switch (sale.status) {
    case 'scheduled':
      return `Starts ${endsAtText(sale.startsAt)}; the first lot ends ${endsAtText(sale.firstLotEndsAt)}`;
    case 'open':
      return `Open: ${plural(sale.lotsClosed, 'lot')} of ${sale.lotCount} closed`;
    case 'closed':
      return 'Closed';
    default:
      return 'Cancelled';
  }
}
