/** The seller adds the next lot of a sale (until it starts), in any format. */
import { useState } from 'preact/hooks';
import { ApiError, api, idempotencyKey, ok } from '../../api';
import { problemText } from '../../format';
import { PriceFields, pricesOf } from '../../components/PriceFields';
import { FormatFields, formatOf, type Format } from '../../components/FormatFields';

export function AddLot({ saleId, currency }: { saleId: string; currency: string }) {
  const [message, setMessage] = useState({ text: '', error: false });
  const [format, setFormat] = useState<Format>('english');
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '');
    const body = {
      title: text('title'),
      ...(text('description') ? { description: text('description') } : {}),
      ...pricesOf(text),
      ...formatOf(format, text),
    };
    try {
      const lot = await ok(
        api.POST('/sales/{id}/lots', { params: { path: { id: saleId }, header: idempotencyKey() }, body }),
      );
      form.reset();
      setMessage({ text: `Lot ${lot.lotNumber} added.`, error: false });
    } catch (e) {
      const text = problemText(
        e instanceof ApiError ? e.problem : undefined,
        undefined,
        (e as Error).message,
      );
      setMessage({ text, error: true });
    }
  };
  return (
    <form onSubmit={submit} aria-labelledby="add-lot-title" class="add-lot">
      <h2 id="add-lot-title">Add a lot</h2>
      <label>
        Title <input name="title" maxLength={200} required />
      </label>
      <label>
        Description <textarea name="description" maxLength={5000} rows={2} />
      </label>
      <FormatFields format={format} onFormat={setFormat} />
      <PriceFields currency={currency} buyNow={format === 'english'} />
      <button type="submit">Add lot</button>
      <p role="status" class={message.error ? 'error' : undefined}>
        {message.text}
      </p>
    </form>
  );
}
