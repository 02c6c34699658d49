/** The prices of a listing (an auction or a lot): where it starts, the reserve, buy it now. */
import { toMinor } from '../format';

/** `buyNow`: false for the formats that have no buy-it-now price (sealed, Dutch). */
export function PriceFields({ currency, buyNow = true }: { currency?: string; buyNow?: boolean }) {
  const unit = currency ? ` (${currency})` : '';
  return (
    <>
      <label>
        Starting price{unit}{' '}
        <input name="startingPrice" type="number" min="0" step="0.01" value="1" required />
      </label>
      <label>
        Reserve price (optional) <input name="reservePrice" type="number" min="0" step="0.01" />
      </label>
      {buyNow && (
        <label>
          Buy it now price (optional: anyone may buy at it until the first bid){' '}
          <input name="buyNowPrice" type="number" min="0.01" step="0.01" />
        </label>
      )}
    </>
  );
}

/** The prices as the API takes them, from the form's fields (the optional ones only when given). */
export function pricesOf(text: (name: string) => string) {
  return {
    startingPrice: toMinor(text('startingPrice')),
    ...(text('reservePrice') ? { reservePrice: toMinor(text('reservePrice')) } : {}),
    ...(text('buyNowPrice') ? { buyNowPrice: toMinor(text('buyNowPrice')) } : {}),
  };
}
