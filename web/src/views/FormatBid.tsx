/**
 * The bid boxes of the other formats: a sealed auction's (one amount, raised never lowered, no
 * maximum) and a Dutch auction's (the price falling live on the server's clock, taken in one click).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, idempotencyKey, ok, type AuctionView } from '../api';
import { money, toMinor } from '../format';
import { serverNow } from '../live';
import { dutchPriceAt } from '../../../src/auction/dutchPrice';
import type { BidResult } from './bidding';
import { refusal } from './refusal';
import { BidForm } from './BidForm';
import { BuyNow } from './BuyNow';

interface Props {
  view: AuctionView;
  onResult(result: BidResult, view?: Partial<AuctionView>): void;
}

/** Places a bid of `amount`; what came of it goes to the page, in its own words. */
function useBid({ view, onResult }: Props) {
  const [busy, setBusy] = useState(false);
  const place = async (amount: number) => {
    setBusy(true);
    try {
      const params = { path: { id: view.auctionId }, header: idempotencyKey() };
      const reply = await ok(api.POST('/auctions/{id}/bids', { params, body: { amount } }));
      if (reply.status === 'sealed') return onResult({ kind: 'sealed', amount: reply.amount });
      const { amount: price, leadingBidderId } = reply;
      onResult(
        { kind: 'bought', price },
        { status: 'closed', outcome: 'sold', winnerId: leadingBidderId, finalPrice: price },
      );
    } catch (error) {
      onResult(refusal(error, view.currency));
    } finally {
      setBusy(false);
    }
  };
  return { busy, place };
}

export function SealedBidForm(props: Props) {
  const { view } = props;
  const [text, setText] = useState('');
  const { busy, place } = useBid(props);
  const submit = (event: Event) => {
    event.preventDefault();
    const amount = toMinor(text);
    if (!Number.isFinite(amount) || amount <= 0)
      return props.onResult({ kind: 'refused', text: 'Enter the amount of your sealed bid.' });
    void place(amount);
  };
  return (
    <form class="bid" onSubmit={submit} aria-label="Place a sealed bid">
      <label>
        Your sealed bid ({view.currency}, at least {money(view.startingPrice, view.currency)})
        <input
          name="amount"
          type="number"
          min="0.01"
          step="0.01"
          required
          value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        Place sealed bid
      </button>
      <p class="muted">Nobody else sees it until the end. You may raise it later, never lower it.</p>
    </form>
  );
}

/** A Dutch auction's price now, from the server's clock, ticking down as it falls. */
export function useDutchPrice(view: AuctionView) {
  const at = () =>
    view.dutch
      ? dutchPriceAt(
          { startingPrice: view.startingPrice, startsAt: Date.parse(view.startsAt), dutch: view.dutch },
          serverNow(),
        )
      : view.currentPrice;
  const [price, setPrice] = useState(at);
  useEffect(() => {
    if (view.status !== 'open' || !view.dutch) return;
    const timer = setInterval(() => setPrice(at()), 250);
    return () => clearInterval(timer);
  }, [view.auctionId, view.status]);
  return view.status === 'open' ? price : view.currentPrice;
}

export function DutchBuy(props: Props & { price: number | null }) {
  const { view, price } = props;
  const { busy, place } = useBid(props);
  if (price === null) return null;
  return (
    <div class="buy-now" role="group" aria-label="Take it at the price now">
      <button type="button" disabled={busy} onClick={() => void place(price)}>
        Buy now at {money(price, view.currency)}
      </button>
      <p class="muted">
        The first to take it wins at the price of that instant; it falls until someone does.
      </p>
    </div>
  );
}

/** The bid box the auction's format takes. */
export function BidBox(props: Props & { price: number | null }) {
  const { view, onResult } = props;
  if (view.format === 'dutch') return <DutchBuy {...props} />;
  if (view.format !== 'english') return <SealedBidForm view={view} onResult={onResult} />;
  return (
    <>
      <BuyNow view={view} onResult={onResult} />
      <BidForm view={view} onResult={onResult} />
    </>
  );
}
