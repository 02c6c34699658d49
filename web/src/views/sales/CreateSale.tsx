/** A seller's catalogue: its title, currency, when it starts, when its first lot ends, the gap between lots. */
import { useState } from 'preact/hooks';
import { api, idempotencyKey, ok, failureText } from '../../api';
import { ListingFields } from '../../components/ListingFields';
import { go } from '../../router';

/** A datetime-local value (the viewer's zone) `minutes` from now. */
const localIn = (minutes: number) => {
  const at = new Date(Date.now() + minutes * 60_000);
  at.setSeconds(0, 0);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
};

export function CreateSale() {
  const [error, setError] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '');
    const body = {
      title: text('title'),
      ...(text('description') ? { description: text('description') } : {}),
      currency: text('currency'),
      // datetime-local is the viewer's own zone; the API takes instants.
      startsAt: new Date(text('startsAt')).toISOString(),
      firstLotEndsAt: new Date(text('firstLotEndsAt')).toISOString(),
      lotGapSeconds: Number(text('lotGapSeconds')),
    };
    try {
      const created = await ok(api.POST('/sales', { params: { header: idempotencyKey() }, body }));
      setError('');
      go(`#/sale/${created.saleId}`);
    } catch (e) {
      setError(failureText(e));
    }
  };
  return (
    <section aria-labelledby="create-sale-title">
      <h1 id="create-sale-title">Create a sale</h1>
      <p class="muted">
        A catalogue of lots that close one after another. Add its lots before it starts; lot n ends n - 1 gaps
        after the first, and a late bid that extends one lot moves the lots after it.
      </p>
      <SaleForm onSubmit={submit} />
      <p role="status" class={error ? 'error' : undefined}>
        {error}
      </p>
    </section>
  );
}

function SaleForm({ onSubmit }: { onSubmit(event: Event): void }) {
  return (
    <form onSubmit={onSubmit} aria-labelledby="create-sale-title">
      <ListingFields />
      <label>
        Starts at <input name="startsAt" type="datetime-local" step="1" value={localIn(60)} required />
      </label>
      <label>
        First lot ends at{' '}
        <input name="firstLotEndsAt" type="datetime-local" step="1" value={localIn(24 * 60)} required />
      </label>
      <label>
        Seconds between lots{' '}
        <input name="lotGapSeconds" type="number" min="0" max="3600" value="60" required />
      </label>
      <button type="submit">Create sale</button>
    </form>
  );
}
