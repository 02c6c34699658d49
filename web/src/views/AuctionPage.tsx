/** One auction, live: its figures, the bid box, the bids, and what its end means for the viewer. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ok, type AuctionView, type Bid } from '../api';
import { Gallery } from '../components/Gallery';
import { LotNav } from '../components/LotNav';
import { WatchStar } from '../components/WatchStar';
import { money } from '../format';
import { onLive, watch, type LiveMessage } from '../live';
import { isAnalyst, session } from '../session';
import { AuctionFacts } from './AuctionFacts';
import { BidBox, useDutchPrice } from './FormatBid';
import { resultLine, type BidResult } from './bidding';
import { withPatience } from './patience';
import { aliasesOf, bidderName } from './aliases';
import { afterCancel, RetractBids, SellerControls, type CancelledBids } from './BidCancel';

/** What a closed auction means for whoever is looking at it. */
function outcomeFor(view: AuctionView, me: string | undefined) {
  if (view.status === 'cancelled') return 'This auction was cancelled.';
  if (view.status !== 'closed') return undefined;
  const price = money(view.finalPrice, view.currency);
  if (view.outcome === 'sold') {
    if (view.winnerId === me) return `You won this auction for ${price}.`;
    if (view.sellerId === me) return `Sold for ${price}.`;
    return `Sold to another bidder for ${price}.`;
  }
  if (view.outcome === 'reserve_not_met') return 'Closed: the reserve was not met, so nothing was sold.';
  return 'Closed with no bids.';
}

/** Every bid of an auction (their aliases need the first ones), newest first. */
async function allBids(auctionId: string) {
  const bids: Bid[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const query = { limit: 100, ...(cursor ? { cursor } : {}) };
    const { items, nextCursor } = await ok(
      api.GET('/auctions/{id}/bids', { params: { path: { id: auctionId }, query } }),
    );
    bids.push(...items);
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  return bids;
}

/**
 * A pushed view is public: the seller keeps the reserve, and the leader their own maximum, that
 * their own read showed them (a maximum only while they still lead).
 */
function merged(mine: AuctionView, pushed: AuctionView, me: string | undefined): AuctionView {
  const stillLeads = pushed.leadingBidderId === me;
  return {
    ...pushed,
    ...(mine.reservePrice !== undefined ? { reservePrice: mine.reservePrice } : {}),
    myMaxAmount: stillLeads ? mine.myMaxAmount : null,
  };
}

function useLiveAuction(auctionId: string, onError: (error: unknown) => void) {
  const [view, setView] = useState<AuctionView>();
  const [bids, setBids] = useState<Bid[]>([]);
  useEffect(() => {
    let live = true;
    setView(undefined);
    setBids([]);
    // One after the other: the bids are read at least as far along the log as the view.
    void withPatience(async () => {
      const auction = await ok(api.GET('/auctions/{id}', { params: { path: { id: auctionId } } }));
      return [auction, await allBids(auctionId)] as const;
    }).then(
      ([auction, items]) => {
        if (!live) return;
        setView(auction);
        setBids(items);
        // From the revision read: what happened since (a bid, a cancellation) comes first.
        watch([auctionId], { [auctionId]: auction.revision });
      },
      (error: unknown) => live && onError(error),
    );
    const off = onLive((message: LiveMessage) => {
      if (message.type !== 'auction.event' && message.type !== 'subscribed') return;
      const pushed = (message as { auction?: AuctionView }).auction;
      if (!pushed || pushed.auctionId !== auctionId) return;
      const event = (message as { event?: { type: string; revision: number; data: Bid & CancelledBids } })
        .event;
      setView((mine) =>
        mine && pushed.revision >= mine.revision ? merged(mine, pushed, session.userId) : mine,
      );
      if (event?.type === 'BidPlaced')
        setBids((held) =>
          held.some((b) => b.bidId === event.data.bidId)
            ? held
            : [{ ...event.data, revision: event.revision }, ...held],
        );
      if (event?.type === 'BidCancelled') setBids((held) => afterCancel(held, event.data, event.revision));
    });
    return () => {
      live = false;
      off();
    };
  }, [auctionId]);
  return { view, setView, bids };
}

export function AuctionPage({ auctionId, onError }: { auctionId: string; onError(error: unknown): void }) {
  const { view, setView, bids } = useLiveAuction(auctionId, onError);
  const aliases = useMemo(() => aliasesOf(bids), [bids]);
  const [result, setResult] = useState<BidResult>();
  useEffect(() => setResult(undefined), [auctionId]);
  if (!view) return <p aria-busy="true">Loading…</p>;
  return (
    <LiveAuction
      view={view}
      setView={setView}
      bids={bids}
      aliases={aliases}
      result={result}
      setResult={setResult}
    />
  );
}

interface LiveProps {
  view: AuctionView;
  setView(update: (view: AuctionView | undefined) => AuctionView | undefined): void;
  bids: Bid[];
  aliases: ReturnType<typeof aliasesOf>;
  result: BidResult | undefined;
  setResult(result: BidResult): void;
}

/** The page of an auction that has loaded (a component of its own: the Dutch price ticks in it). */
function LiveAuction({ view, setView, bids, aliases, result, setResult }: LiveProps) {
  const price = useDutchPrice(view);
  const me = session.userId;
  const isSeller = me !== undefined && me === view.sellerId;
  const open = view.status === 'open';
  const line = resultLine(result, view, me);
  const onResult = (next: BidResult, patch?: Partial<AuctionView>) => {
    setResult(next);
    if (patch) setView((v) => v && { ...v, ...patch });
  };
  const outcome = outcomeFor(view, me);
  return (
    <section aria-labelledby="auction-title">
      <p>
        <a href="#/">← All auctions</a>
      </p>
      <LotNav view={view} />
      <h1 id="auction-title">
        {view.title} <WatchStar auctionId={view.auctionId} title={view.title} />
      </h1>
      {view.description && <p class="muted">{view.description}</p>}
      <Gallery view={view} isSeller={isSeller} />
      <AuctionFacts
        view={view.format === 'dutch' ? { ...view, currentPrice: price } : view}
        leader={bidderName(aliases, view.leadingBidderId, me)}
        isSeller={isSeller}
      />
      {isAnalyst() && (
        <p>
          <a href={`#/analyst/${view.auctionId}`}>Analyst view: price over time, state at any instant</a>
        </p>
      )}
      {outcome && (
        <p class="note" role="status">
          {outcome}
        </p>
      )}
      {isSeller && open && <p class="note">You are the seller of this auction, so you cannot bid on it.</p>}
      {!me && open && <LoginToBid />}
      {me && !isSeller && open && <BidBox view={view} price={price} onResult={onResult} />}
      <p role="status" class={line?.error ? 'error' : undefined} aria-live="polite">
        {line?.text ?? ''}
      </p>
      {me && !isSeller && open && bids.some((b) => b.bidderId === me) && (
        <RetractBids view={view} onResult={setResult} />
      )}
      <BidList
        bids={bids}
        currency={view.currency}
        name={(id) => bidderName(aliases, id, me)}
        control={
          isSeller && open
            ? (bid) => <SellerControls view={view} bid={bid} onResult={setResult} />
            : undefined
        }
      />
    </section>
  );
}

const LoginToBid = () => (
  <p class="note">
    <a href="#/login">Log in</a> to bid.
  </p>
);

/** The latest hundred bids, newest first. */
function BidList({
  bids,
  currency,
  name,
  control,
}: {
  bids: Bid[];
  currency: string;
  name(bidderId: string): string;
  /** The seller's control on each bid of an open auction. */
  control?: (bid: Bid) => preact.JSX.Element;
}) {
  return (
    <>
      <h2 id="bids-heading">Bids</h2>
      {bids.length === 0 ? (
        <p class="muted">No bids yet.</p>
      ) : (
        <ol class="bids" aria-labelledby="bids-heading">
          {bids.slice(0, 100).map((bid) => (
            <li key={bid.bidId}>
              {money(bid.amount, currency)} by {name(bid.bidderId)}
              {bid.auto ? ' (automatic)' : ''} at {new Date(bid.placedAt).toLocaleTimeString()}{' '}
              {control?.(bid)}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
