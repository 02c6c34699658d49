/** The auctions the user watches; the star takes one off. */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type AuctionView } from '../api';
import { AuctionCard } from './AuctionList';
import { watched } from '../watching';
import { useStore } from '../store';

export function Watchlist({ visit, onError }: { visit: number; onError(error: unknown): void }) {
  const [items, setItems] = useState<AuctionView[]>();
  const ids = useStore(watched);
  useEffect(() => {
    ok(api.GET('/me/watchlist', { params: { query: { limit: 100 } } })).then((page) => {
      watched.set(new Set([...watched.get(), ...page.items.map((v) => v.auctionId)]));
      setItems(page.items);
    }, onError);
  }, [visit]);
  const shown = items?.filter((v) => ids.has(v.auctionId));
  return (
    <section aria-labelledby="watchlist-title">
      <h1 id="watchlist-title">Watchlist</h1>
      {shown && shown.length === 0 && (
        <p>You watch no auction yet: press ☆ on one to be told when it ends soon.</p>
      )}
      <ul class="cards" aria-labelledby="watchlist-title">
        {shown?.map((view) => (
          <AuctionCard key={view.auctionId} view={view}>
            {' · '}
            {view.status}
          </AuctionCard>
        ))}
      </ul>
    </section>
  );
}
