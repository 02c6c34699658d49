/**
 * After the hammer, the buyer's side: "My invoices", each with what is due and by when, and the
 * checkout form (name and address, personal data sealed with a key of the buyer's own).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type Invoice, type InvoiceItem, failureText } from '../../api';
import { money } from '../../format';

export const failure = (error: unknown) => failureText(error);

export const STATUS_TEXT: Record<InvoiceItem['status'], string> = {
  open: 'Open',
  paid: 'Paid',
  overdue: 'Overdue',
  void: 'Void',
};

/** The figures of an invoice, as a definition list. */
export function InvoiceFigures({ invoice }: { invoice: InvoiceItem }) {
  const m = (minor: number) => money(minor, invoice.currency);
  return (
    <dl class="facts">
      <dt>Status</dt>
      <dd>{STATUS_TEXT[invoice.status]}</dd>
      <dt>Hammer price</dt>
      <dd>{m(invoice.hammerPrice)}</dd>
      <dt>Buyer’s premium ({invoice.buyersPremiumPercent}%)</dt>
      <dd>{m(invoice.buyersPremium)}</dd>
      <dt>Total</dt>
      <dd>{m(invoice.total)}</dd>
      <dt>Paid</dt>
      <dd>{m(invoice.paid)}</dd>
      <dt>Due</dt>
      <dd>
        {m(invoice.amountDue)}
        {invoice.status === 'open' || invoice.status === 'overdue'
          ? ` by ${new Date(invoice.dueAt).toLocaleString()}`
          : ''}
      </dd>
    </dl>
  );
}

const EMPTY = { name: '', line1: '', line2: '', city: '', postalCode: '', country: '' };

type Form = typeof EMPTY;
const FIELDS: Array<[keyof Form, string, Record<string, unknown>]> = [
  ['name', 'Full name', { autocomplete: 'name', maxLength: 200 }],
  ['line1', 'Address', { autocomplete: 'address-line1', maxLength: 200 }],
  ['line2', 'Address line 2 (optional)', { autocomplete: 'address-line2', maxLength: 200 }],
  ['city', 'City', { autocomplete: 'address-level2', maxLength: 100 }],
  ['postalCode', 'Postal code', { autocomplete: 'postal-code', maxLength: 20 }],
  ['country', 'Country', { autocomplete: 'country-name', minLength: 2, maxLength: 100 }],
];

function AddressFields({ form, setForm }: { form: Form; setForm(f: Form): void }) {
  return (
    <>
      {FIELDS.map(([key, label, extra]) => (
        <label key={key}>
          {label}
          <input
            value={form[key]}
            onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })}
            required={key !== 'line2'}
            {...extra}
          />
        </label>
      ))}
    </>
  );
}

/** The buyer's checkout details for one invoice: shown when given, and the form to give them. */
function Checkout({ invoiceId }: { invoiceId: string }) {
  const [invoice, setInvoice] = useState<Invoice>();
  const [form, setForm] = useState(EMPTY);
  const [message, setMessage] = useState<{ text: string; error?: boolean }>();
  useEffect(() => {
    ok(api.GET('/invoices/{id}', { params: { path: { id: invoiceId } } })).then(
      (found) => {
        setInvoice(found);
        const c = found.checkout;
        if (c) setForm({ ...EMPTY, ...c.address, name: c.name, line2: c.address.line2 ?? '' });
      },
      (e: unknown) => setMessage({ text: failure(e), error: true }),
    );
  }, [invoiceId]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const { name, line2, ...address } = form;
    try {
      const body = {
        name,
        address: { ...address, ...(line2 ? { line2 } : {}) },
      };
      setInvoice(await ok(api.PUT('/invoices/{id}/checkout', { params: { path: { id: invoiceId } }, body })));
      setMessage({ text: 'Checkout details saved.' });
    } catch (error) {
      setMessage({ text: failure(error), error: true });
    }
  };
  if (!invoice || invoice.status === 'void') return message ? <p class="error">{message.text}</p> : null;
  return (
    <form aria-label={`Checkout for invoice ${invoiceId.slice(0, 8)}`} onSubmit={(e) => void submit(e)}>
      <p class="muted">
        Your name and address are personal data: they are stored encrypted with a key of your own, and
        deleting your account erases them.
      </p>
      <AddressFields form={form} setForm={setForm} />
      <button type="submit">
        {invoice.checkoutProvided ? 'Update checkout details' : 'Save checkout details'}
      </button>
      {message && (
        <p role="status" class={message.error ? 'error' : 'note'}>
          {message.text}
        </p>
      )}
    </form>
  );
}

/** "My invoices": every invoice the signed-in user is the buyer of, newest first. */
export function MyInvoices({ visit }: { visit: number }) {
  const [items, setItems] = useState<InvoiceItem[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    ok(api.GET('/me/invoices', { params: { query: { limit: 100 } } })).then(
      (page) => setItems(page.items),
      (e: unknown) => setError(failure(e)),
    );
  }, [visit]);
  return (
    <section aria-labelledby="invoices-title">
      <h1 id="invoices-title">My invoices</h1>
      {error && <p class="error">{error}</p>}
      {items?.length === 0 && <p class="muted">Nothing to pay: you have not won anything yet.</p>}
      {items?.map((invoice) => (
        <article key={invoice.invoiceId} aria-labelledby={`inv-${invoice.invoiceId}`} class="card">
          <h2 id={`inv-${invoice.invoiceId}`}>
            Invoice {invoice.invoiceId.slice(0, 8)} for <a href={`#/auction/${invoice.auctionId}`}>the lot</a>
          </h2>
          <InvoiceFigures invoice={invoice} />
          <Checkout invoiceId={invoice.invoiceId} />
        </article>
      ))}
    </section>
  );
}
