/** On a lot's page: "Lot 12 of 40" in its sale, and the lots before and after it. */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type AuctionView, type SaleView } from '../api';

export function LotNav({ view }: { view: AuctionView }) {
  const [sale, setSale] = useState<SaleView>();
  const [around, setAround] = useState<AuctionView[]>([]);
  const { saleId, lotNumber } = view;
  useEffect(() => {
    if (!saleId || !lotNumber) return;
    let shown = true;
    void ok(api.GET('/sales/{id}', { params: { path: { id: saleId } } })).then((s) => shown && setSale(s));
    // The lot before, this one and the one after: the page starting after lot n - 2.
    const query = { limit: 3, ...(lotNumber > 2 ? { cursor: String(lotNumber - 2) } : {}) };
    void ok(api.GET('/sales/{id}/lots', { params: { path: { id: saleId }, query } })).then(
      (page) => shown && setAround(page.items),
    );
    return () => void (shown = false);
  }, [saleId, lotNumber]);
  if (!saleId || !lotNumber) return null;
  const before = around.find((l) => l.lotNumber === lotNumber - 1);
  const after = around.find((l) => l.lotNumber === lotNumber + 1);
  return (
    <nav aria-label="Lots of this sale" class="lot-nav">
      {before && <a href={`#/auction/${before.auctionId}`}>← Lot {before.lotNumber}</a>}{' '}
      <span>
        Lot {lotNumber}
        {sale ? ` of ${sale.lotCount}` : ''} in <a href={`#/sale/${saleId}`}>{sale?.title ?? 'its sale'}</a>
      </span>{' '}
      {after && <a href={`#/auction/${after.auctionId}`}>Lot {after.lotNumber} →</a>}
    </nav>
  );
}
