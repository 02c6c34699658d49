/** Buy it now: offered while the auction is open and no bid stands; asks once more before it buys. */
import { useState } from 'preact/hooks';
import { api, idempotencyKey, ok, type AuctionView } from '../api';
import { money } from '../format';
import type { BidResult } from './bidding';
import { refusal } from './refusal';

interface Props {
  view: AuctionView;
  onResult(result: BidResult, view?: Partial<AuctionView>): void;
}

/** Whether the caller may buy now: the auction says so by its price, its status and no bid. */
export const canBuyNow = (view: AuctionView) =>
  view.buyNowPrice !== null && view.status === 'open' && view.bidCount === 0;

export function BuyNow({ view, onResult }: Props) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!canBuyNow(view)) return null;
  const price = money(view.buyNowPrice, view.currency);
  const buy = async () => {
    setBusy(true);
    try {
      const params = { path: { id: view.auctionId }, header: idempotencyKey() };
      const reply = await ok(api.POST('/auctions/{id}/buy-now', { params, body: {} }));
      const { outcome, winnerId, finalPrice } = reply;
      onResult({ kind: 'bought', price: finalPrice }, { status: 'closed', outcome, winnerId, finalPrice });
    } catch (error) {
      onResult(refusal(error, view.currency));
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return (
    <div class="buy-now" role="group" aria-label="Buy it now">
      {asking ? (
        <>
          <button type="button" disabled={busy} onClick={() => void buy()}>
            Confirm: buy for {price}
          </button>{' '}
          <button type="button" class="secondary" disabled={busy} onClick={() => setAsking(false)}>
            Keep bidding instead
          </button>
        </>
      ) : (
        <button type="button" class="secondary" onClick={() => setAsking(true)}>
          Buy it now for {price}
        </button>
      )}
    </div>
  );
}
