/** The auctions the user bid in: where they stand in each (leading, outbid, won, lost). */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../api';
import { money } from '../format';

type MyBid = Schemas['MyBidPage']['items'][number];

export function MyBids({ visit, onError }: { visit: number; onError(error: unknown): void }) {
  const [items, setItems] = useState<MyBid[]>();
  useEffect(() => {
    ok(api.GET('/me/bids', { params: { query: { limit: 100 } } })).then(
      (page) => setItems(page.items),
      onError,
    );
  }, [visit]);
  return (
    <section aria-labelledby="me-title">
      <h1 id="me-title">My bids</h1>
      {items && items.length === 0 ? (
        <p>You have not bid yet.</p>
      ) : (
        <table aria-labelledby="me-title">
          <thead>
            <tr>
              <th scope="col">Auction</th>
              <th scope="col">My highest bid</th>
              <th scope="col">Price</th>
              <th scope="col">State</th>
              <th scope="col">Ends</th>
            </tr>
          </thead>
          <tbody>
            {items?.map((item) => (
              <tr key={item.auctionId}>
                <th scope="row">
                  <a href={`#/auction/${item.auctionId}`}>{item.title}</a>
                </th>
                <td>
                  {money(item.myHighestBid, item.currency)}
                  {item.myMaxAmount !== null && ` (your maximum ${money(item.myMaxAmount, item.currency)})`}
                </td>
                <td>{money(item.currentPrice, item.currency)}</td>
                <td class={`state-${item.state}`}>{item.state}</td>
                <td>{new Date(item.endsAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
