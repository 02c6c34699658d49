/** The bid box: an amount kept at the minimum as the price moves, a ceiling, and quick bids. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, idempotencyKey, ok, type AuctionView } from '../api';
import { money, toMinor } from '../format';
import { quickBids, suggestedAmount, type BidResult } from './bidding';
import { refusal } from './refusal';

interface Props {
  view: AuctionView;
  onResult(result: BidResult, view?: Partial<AuctionView>): void;
}

/** Places a bid and tells the page what came of it, in the page's own words. */
function usePlaceBid(view: AuctionView, onResult: Props['onResult'], after: () => void) {
  const [busy, setBusy] = useState(false);
  const place = async (amount: number, maxAmount?: number) => {
    setBusy(true);
    try {
      const body = { amount, ...(maxAmount ? { maxAmount } : {}) };
      const params = { path: { id: view.auctionId }, header: idempotencyKey() };
      const reply = await ok(api.POST('/auctions/{id}/bids', { params, body }));
      after();
      if (reply.maxAmount !== undefined && reply.maxAmount !== null) {
        const patch = { myMaxAmount: reply.maxAmount, currentPrice: reply.currentPrice };
        return onResult({ kind: 'raised', price: reply.currentPrice, maxAmount: reply.maxAmount }, patch);
      }
      if (reply.status === 'leading')
        return onResult({ kind: 'leading', price: reply.currentPrice }, { myMaxAmount: maxAmount ?? amount });
      onResult({ kind: 'outbid-at-once', price: reply.currentPrice });
    } catch (error) {
      onResult(refusal(error, view.currency));
    } finally {
      setBusy(false);
    }
  };
  return { busy, place };
}

/** The amount: kept at the minimum as the price moves, unless the person is typing or typed enough. */
function useAmount(minimumBid: number | null) {
  const [text, setText] = useState('');
  const box = useRef({ edited: false, focused: false });
  useEffect(() => {
    setText((current) => {
      const next = suggestedAmount({ text: current, ...box.current }, minimumBid);
      if (next !== current) box.current.edited = false;
      return next;
    });
  }, [minimumBid]);
  const input = {
    value: text,
    onFocus: () => void (box.current.focused = true),
    onBlur: () => void (box.current.focused = false),
    onInput: (e: Event) => {
      box.current.edited = true;
      setText((e.target as HTMLInputElement).value);
    },
  };
  return { text, input, placed: () => void (box.current.edited = false) };
}

export function BidForm({ view, onResult }: Props) {
  const amount = useAmount(view.minimumBid);
  const [max, setMax] = useState('');
  const { busy, place } = usePlaceBid(view, onResult, () => {
    setMax('');
    amount.placed();
  });
  const submit = (event: Event) => {
    event.preventDefault();
    const minor = toMinor(amount.text);
    if (!Number.isFinite(minor) || minor <= 0)
      return onResult({ kind: 'refused', text: 'Enter the amount of your bid.' });
    void place(minor, max ? toMinor(max) : undefined);
  };
  return (
    <form class="bid" onSubmit={submit} aria-label="Place a bid">
      <label>
        Your bid ({view.currency})
        <input name="amount" type="number" min="0.01" step="0.01" required {...amount.input} />
      </label>
      <label>
        Maximum for automatic bidding (optional)
        <input
          name="maxAmount"
          type="number"
          min="0.01"
          step="0.01"
          value={max}
          onInput={(e) => setMax((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        Place bid
      </button>
      <span class="quick" role="group" aria-label="Quick bids">
        {quickBids(view).map((next) => (
          <button key={next} type="button" class="secondary" disabled={busy} onClick={() => void place(next)}>
            Bid {money(next, view.currency)}
          </button>
        ))}
      </span>
    </form>
  );
}
