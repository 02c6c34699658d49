/** Selling: a title, a format, a price, an optional reserve and buy-it-now price, and how long it runs. */
import { useState } from 'preact/hooks';
import { api, idempotencyKey, ok, failureText } from '../api';
import { serverNow } from '../live';
import { ListingFields } from '../components/ListingFields';
import { PriceFields, pricesOf } from '../components/PriceFields';
import { FormatFields, formatOf, type Format } from '../components/FormatFields';
import { go } from '../router';

export function CreateAuction() {
  const [error, setError] = useState('');
  const [format, setFormat] = useState<Format>('english');
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '');
    const body = {
      title: text('title'),
      ...(text('description') ? { description: text('description') } : {}),
      currency: text('currency'),
      ...pricesOf(text),
      ...formatOf(format, text),
      endsAt: new Date(serverNow() + Number(text('minutes')) * 60_000).toISOString(),
    };
    try {
      const created = await ok(api.POST('/auctions', { params: { header: idempotencyKey() }, body }));
      form.reset();
      setError('');
      go(`#/auction/${created.auctionId}`);
    } catch (e) {
      setError(failureText(e));
    }
  };
  return (
    <section aria-labelledby="create-title">
      <h1 id="create-title">Sell something</h1>
      <form onSubmit={submit} aria-labelledby="create-title">
        <ListingFields />
        <FormatFields format={format} onFormat={setFormat} />
        <PriceFields buyNow={format === 'english'} />
        <label>
          Runs for (minutes) <input name="minutes" type="number" min="1" max="129600" value="60" required />
        </label>
        <button type="submit">Create auction</button>
      </form>
      <p role="status" class={error ? 'error' : undefined}>
        {error}
      </p>
    </section>
  );
}
