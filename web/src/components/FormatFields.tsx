/** How an auction is sold: English, sealed (first or second price) or Dutch, and a Dutch auction's fall. */
import { toMinor } from '../format';

export type Format = 'english' | 'sealed_first_price' | 'sealed_second_price' | 'dutch';

export const FORMAT_NAMES: Record<Format, string> = {
  english: 'English: open bids going up, with automatic bidding',
  sealed_first_price: 'Sealed bid, first price: the highest bid wins and pays its amount',
  sealed_second_price: 'Sealed bid, second price: the highest bid wins and pays the second highest',
  dutch: 'Dutch: the price falls until someone takes it',
};

export function FormatFields({ format, onFormat }: { format: Format; onFormat(format: Format): void }) {
  return (
    <>
      <label>
        Format
        <select
          name="format"
          value={format}
          onChange={(e) => onFormat((e.target as HTMLSelectElement).value as Format)}
        >
          {(Object.keys(FORMAT_NAMES) as Format[]).map((f) => (
            <option key={f} value={f}>
              {FORMAT_NAMES[f]}
            </option>
          ))}
        </select>
      </label>
      {format === 'dutch' && (
        <fieldset>
          <legend>The falling price (it starts at the starting price)</legend>
          <label>
            Lowest price <input name="floorPrice" type="number" min="0" step="0.01" required />
          </label>
          <label>
            Drops by <input name="dropAmount" type="number" min="0.01" step="0.01" required />
          </label>
          <label>
            Every (seconds){' '}
            <input name="dropEverySeconds" type="number" min="1" max="86400" value="60" required />
          </label>
        </fieldset>
      )}
      {format !== 'english' && format !== 'dutch' && (
        <p class="note">Bids stay sealed: nobody, you included, sees an amount or a bidder until the end.</p>
      )}
    </>
  );
}

/** The format as the API takes it (nothing for English, the default). */
export function formatOf(format: Format, text: (name: string) => string) {
  if (format === 'english') return {};
  if (format !== 'dutch') return { format };
  return {
    format,
    dutch: {
      floorPrice: toMinor(text('floorPrice')),
      dropAmount: toMinor(text('dropAmount')),
      dropEverySeconds: Number(text('dropEverySeconds')),
    },
  };
}
