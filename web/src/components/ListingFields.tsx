/** The fields every listing form starts with: a title, a description, a currency. */
const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF'];

export function ListingFields() {
  return (
    <>
      <label>
        Title <input name="title" maxLength={200} required />
      </label>
      <label>
        Description <textarea name="description" maxLength={5000} rows={3} />
      </label>
      <label>
        Currency
        <select name="currency">
          {CURRENCIES.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
    </>
  );
}
