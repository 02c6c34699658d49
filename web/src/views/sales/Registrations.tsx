/**
 * A sale that requires approval: the bidder asks to bid and sees where their request stands (and
 * the seller's reason for a decline); the seller sees the requests and approves or declines them.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type Registration, type SaleView, failureText } from '../../api';

const STATUS_TEXT: Record<Registration['status'], string> = {
  pending: 'Registration pending: the seller has not answered yet.',
  approved: 'You are approved to bid in this sale.',
  declined: 'The seller declined your registration',
};

const failure = (error: unknown) => failureText(error);

/** The bidder's side: ask, then see the answer. */
export function BidderRegistration({ sale }: { sale: SaleView }) {
  const [mine, setMine] = useState<Registration | null>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    ok(api.GET('/me/registrations', { params: { query: { limit: 200 } } })).then(
      ({ items }) => setMine(items.find((r) => r.saleId === sale.saleId) ?? null),
      (e: unknown) => setError(failure(e)),
    );
  }, [sale.saleId]);
  const ask = async () => {
    try {
      setMine(
        await ok(api.POST('/sales/{id}/registrations', { params: { path: { id: sale.saleId } }, body: {} })),
      );
      setError(undefined);
    } catch (e) {
      setError(failure(e));
    }
  };
  if (mine === undefined && !error) return null;
  const canAsk = !mine || mine.status === 'declined';
  return (
    <section aria-labelledby="registration-title" class="note">
      <h2 id="registration-title">Registration</h2>
      <p role="status">
        {mine
          ? `${STATUS_TEXT[mine.status]}${mine.status === 'declined' ? `: ${mine.reason ?? 'no reason given'}.` : ''}`
          : 'This sale takes bids only from bidders its seller approved.'}
      </p>
      {canAsk && (
        <button type="button" onClick={() => void ask()}>
          {mine ? 'Ask again' : 'Ask to bid'}
        </button>
      )}
      {error && <p class="error">{error}</p>}
    </section>
  );
}

/** The seller's side: every request, with approve and decline. */
export function RegistrationRequests({ sale }: { sale: SaleView }) {
  const [items, setItems] = useState<Registration[]>();
  const [error, setError] = useState<string>();
  const load = () =>
    ok(
      api.GET('/sales/{id}/registrations', { params: { path: { id: sale.saleId }, query: { limit: 200 } } }),
    ).then(
      (page) => setItems(page.items),
      (e: unknown) => setError(failure(e)),
    );
  useEffect(() => void load(), [sale.saleId]);
  const answer = async (r: Registration, action: 'approve' | 'decline') => {
    const params = { path: { id: sale.saleId, userId: r.userId } };
    try {
      if (action === 'approve')
        await ok(api.POST('/sales/{id}/registrations/{userId}/approve', { params, body: {} }));
      else await ok(api.POST('/sales/{id}/registrations/{userId}/decline', { params, body: {} }));
      await load();
    } catch (e) {
      setError(failure(e));
    }
  };
  return (
    <section aria-labelledby="requests-title">
      <h2 id="requests-title">Registration requests</h2>
      {items?.length === 0 && <p class="muted">Nobody has asked yet.</p>}
      <ul aria-labelledby="requests-title">
        {items?.map((r, i) => (
          <li key={r.userId}>
            Bidder {i + 1} <span class="muted">({r.userId.slice(0, 8)})</span>: {r.status}{' '}
            {r.status !== 'approved' && (
              <button type="button" onClick={() => void answer(r, 'approve')}>
                Approve bidder {i + 1}
              </button>
            )}{' '}
            {r.status !== 'declined' && (
              <button type="button" onClick={() => void answer(r, 'decline')}>
                Decline bidder {i + 1}
              </button>
            )}
          </li>
        ))}
      </ul>
      {error && <p class="error">{error}</p>}
    </section>
  );
}
