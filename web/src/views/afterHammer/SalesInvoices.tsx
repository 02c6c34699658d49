/**
 * After the hammer, the seller's side: "Sales invoices", each with "record payment", the buyer's
 * checkout details once given, and the second chance for an overdue one.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type Invoice, type InvoiceItem, failureText } from '../../api';
import { money, toMinor } from '../../format';
import { failure, InvoiceFigures } from './Invoices';

const METHODS = [
  ['bank_transfer', 'Bank transfer'],
  ['card', 'Card'],
  ['cash', 'Cash'],
  ['other', 'Other'],
] as const;
type Method = (typeof METHODS)[number][0];

/** Record a payment on one invoice: amount (in the currency's units), method, reference. */
function RecordPayment({
  invoice,
  onDone,
}: {
  invoice: InvoiceItem;
  onDone(i: Invoice, text: string): void;
}) {
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<Method>('bank_transfer');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string>();
  const short = invoice.invoiceId.slice(0, 8);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const body = { amount: toMinor(amount), method, ...(reference ? { reference } : {}) };
      const after = await ok(
        api.POST('/invoices/{id}/payments', { params: { path: { id: invoice.invoiceId } }, body }),
      );
      setAmount('');
      setError(undefined);
      onDone(after, `Payment of ${money(body.amount, invoice.currency)} recorded.`);
    } catch (error) {
      setError(failureText(error, invoice.currency));
    }
  };
  return (
    <form aria-label={`Record a payment on invoice ${short}`} onSubmit={(e) => void submit(e)}>
      <label>
        Amount ({invoice.currency})
        <input
          inputMode="decimal"
          required
          value={amount}
          onInput={(e) => setAmount(e.currentTarget.value)}
        />
      </label>
      <label>
        Method
        <select value={method} onChange={(e) => setMethod(e.currentTarget.value as Method)}>
          {METHODS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Reference (optional)
        <input maxLength={200} value={reference} onInput={(e) => setReference(e.currentTarget.value)} />
      </label>
      <button type="submit">Record payment</button>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </form>
  );
}

/** The lot offered to the next bidder, for an overdue invoice. */
function SecondChance({ invoice, onDone }: { invoice: InvoiceItem; onDone(text: string): void }) {
  const [error, setError] = useState<string>();
  const offer = async () => {
    try {
      const made = await ok(
        api.POST('/auctions/{id}/second-chance', { params: { path: { id: invoice.auctionId } }, body: {} }),
      );
      onDone(
        `Offered to the next bidder at ${money(made.amount, made.currency)}, until ${new Date(made.expiresAt).toLocaleString()}.`,
      );
    } catch (e) {
      setError(failure(e));
    }
  };
  return (
    <p>
      <button type="button" onClick={() => void offer()}>
        Offer to the next bidder
      </button>
      {error && <span class="error"> {error}</span>}
    </p>
  );
}

/** "Sales invoices": the signed-in seller's invoices, newest first. */
export function SalesInvoices({ visit }: { visit: number }) {
  const [items, setItems] = useState<InvoiceItem[]>();
  const [message, setMessage] = useState<{ text: string; error?: boolean }>();
  const [opened, setOpened] = useState<Record<string, Invoice['checkout']>>({});
  const load = () =>
    ok(api.GET('/me/sales-invoices', { params: { query: { limit: 100 } } })).then(
      (page) => setItems(page.items),
      (e: unknown) => setMessage({ text: failure(e), error: true }),
    );
  useEffect(() => void load(), [visit]);
  const showCheckout = async (id: string) => {
    const invoice = await ok(api.GET('/invoices/{id}', { params: { path: { id } } }));
    setOpened({ ...opened, [id]: invoice.checkout });
  };
  const after = (text: string) => (setMessage({ text }), void load());
  return (
    <section aria-labelledby="sales-invoices-title">
      <h1 id="sales-invoices-title">Sales invoices</h1>
      {message && (
        <p role="status" class={message.error ? 'error' : 'note'}>
          {message.text}
        </p>
      )}
      {items?.length === 0 && <p class="muted">No invoices yet: they come when your lots sell.</p>}
      {items?.map((invoice) => (
        <article key={invoice.invoiceId} aria-labelledby={`sinv-${invoice.invoiceId}`} class="card">
          <h2 id={`sinv-${invoice.invoiceId}`}>
            Invoice {invoice.invoiceId.slice(0, 8)} for <a href={`#/auction/${invoice.auctionId}`}>the lot</a>
          </h2>
          <InvoiceFigures invoice={invoice} />
          {invoice.checkoutProvided &&
            (invoice.invoiceId in opened ? (
              <p>
                Ship to:{' '}
                {opened[invoice.invoiceId]
                  ? `${opened[invoice.invoiceId]!.name}, ${opened[invoice.invoiceId]!.address.line1}, ${opened[invoice.invoiceId]!.address.postalCode} ${opened[invoice.invoiceId]!.address.city}, ${opened[invoice.invoiceId]!.address.country}`
                  : 'erased by the buyer'}
              </p>
            ) : (
              <button type="button" onClick={() => void showCheckout(invoice.invoiceId)}>
                Show the buyer’s address
              </button>
            ))}
          {(invoice.status === 'open' || invoice.status === 'overdue') && (
            <RecordPayment invoice={invoice} onDone={(_, text) => after(text)} />
          )}
          {invoice.status === 'overdue' && <SecondChance invoice={invoice} onDone={after} />}
        </article>
      ))}
    </section>
  );
}
