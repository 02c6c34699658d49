/** After the hammer, the bidder's side: second chance offers, each to accept or decline before it expires. */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type Offer } from '../../api';
import { money } from '../../format';
import { failure } from './Invoices';

const STATUS_TEXT: Record<Offer['status'], string> = {
  open: 'Open',
  accepted: 'Accepted: see My invoices',
  declined: 'Declined',
  expired: 'Expired',
};

export function Offers({ visit }: { visit: number }) {
  const [items, setItems] = useState<Offer[]>();
  const [message, setMessage] = useState<{ text: string; error?: boolean }>();
  const load = () =>
    ok(api.GET('/me/offers', { params: { query: { limit: 100 } } })).then(
      (page) => setItems(page.items),
      (e: unknown) => setMessage({ text: failure(e), error: true }),
    );
  useEffect(() => void load(), [visit]);
  const answer = async (offer: Offer, action: 'accept' | 'decline') => {
    const params = { params: { path: { id: offer.offerId } }, body: {} };
    try {
      if (action === 'accept') await ok(api.POST('/offers/{id}/accept', params));
      else await ok(api.POST('/offers/{id}/decline', params));
      setMessage({
        text: action === 'accept' ? 'Accepted: your invoice is in My invoices.' : 'Declined.',
      });
      await load();
    } catch (e) {
      setMessage({ text: failure(e), error: true });
    }
  };
  return (
    <section aria-labelledby="offers-title">
      <h1 id="offers-title">Second chance offers</h1>
      <p class="muted">
        When a winner does not pay, or a reserve is not met, the seller may offer the lot to the next bidder
        at their highest bid.
      </p>
      {message && (
        <p role="status" class={message.error ? 'error' : 'note'}>
          {message.text}
        </p>
      )}
      {items?.length === 0 && <p class="muted">No offers.</p>}
      <ul aria-labelledby="offers-title" class="offers">
        {items?.map((offer) => (
          <li key={offer.offerId}>
            <a href={`#/auction/${offer.auctionId}`}>A lot</a> for {money(offer.amount, offer.currency)}:{' '}
            {STATUS_TEXT[offer.status]}
            {offer.status === 'open' && (
              <>
                {' '}
                (until {new Date(offer.expiresAt).toLocaleString()}){' '}
                <button type="button" onClick={() => void answer(offer, 'accept')}>
                  Accept for {money(offer.amount, offer.currency)}
                </button>{' '}
                <button type="button" onClick={() => void answer(offer, 'decline')}>
                  Decline
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
