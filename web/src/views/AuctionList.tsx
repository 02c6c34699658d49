/** The open auctions, ending soonest first, with live prices and countdowns. */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type AuctionView } from '../api';
import { Countdown } from '../components/Countdown';
import { WatchStar } from '../components/WatchStar';
import { money, plural } from '../format';
import { onLive, watch } from '../live';

export function AuctionCard({ view, children }: { view: AuctionView; children?: preact.ComponentChildren }) {
  return (
    <li>
      {view.photos[0] && (
        <img class="thumb" src={view.photos[0].thumbnailUrl} alt="" loading="lazy" decoding="async" />
      )}
      <a href={`#/auction/${view.auctionId}`}>{view.title}</a>
      <WatchStar auctionId={view.auctionId} title={view.title} />
      <div class="meta">
        <span class="price">
          {money(view.currentPrice ?? view.startingPrice, view.currency)} · {plural(view.bidCount, 'bid')}
        </span>{' '}
        <Countdown view={view} />
        {children}
      </div>
    </li>
  );
}

export function AuctionList({ visit, onError }: { visit: number; onError(error: unknown): void }) {
  const [items, setItems] = useState<AuctionView[]>();
  useEffect(() => {
    let shown = true;
    const load = () =>
      ok(api.GET('/auctions', { params: { query: { status: 'open', sort: 'endingSoon', limit: 50 } } })).then(
        (page) => {
          if (!shown) return;
          setItems(page.items);
          watch(page.items.map((v) => v.auctionId));
        },
        (error: unknown) => shown && onError(error),
      );
    void load();
    // New auctions have no live feed: the list refreshes itself while it is shown.
    const timer = setInterval(() => !document.hidden && void load(), 5000);
    const off = onLive((message) => {
      const pushed = (message as { auction?: AuctionView }).auction;
      if (!pushed) return;
      setItems((held) =>
        held?.map((v) => (v.auctionId === pushed.auctionId && pushed.revision >= v.revision ? pushed : v)),
      );
    });
    return () => {
      shown = false;
      clearInterval(timer);
      off();
    };
  }, [visit]);
  return (
    <section aria-labelledby="list-title">
      <h1 id="list-title">Open auctions</h1>
      {items && items.length === 0 && <p>No open auctions right now.</p>}
      <ul class="cards" aria-labelledby="list-title">
        {items?.map((view) => (
          <AuctionCard key={view.auctionId} view={view} />
        ))}
      </ul>
    </section>
  );
}
