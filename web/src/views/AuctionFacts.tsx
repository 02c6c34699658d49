/** An auction's figures, as its format lets them be shown: a sealed auction's stay sealed until the end. */
import type { AuctionView } from '../api';
import { Ends } from '../components/Countdown';
import { FORMAT_NAMES } from '../components/FormatFields';
import { money, reserveText } from '../format';
import { bidIncrement } from './bidding';

export function AuctionFacts({
  view,
  leader,
  isSeller,
}: {
  view: AuctionView;
  leader: string;
  isSeller: boolean;
}) {
  const open = view.status === 'open' || view.status === 'scheduled';
  const sealed = open && view.format.startsWith('sealed');
  const SEALED = 'Sealed until the end';
  return (
    <dl class="facts" aria-label="Auction figures">
      <dt>Format</dt>
      <dd>{FORMAT_NAMES[view.format]}</dd>
      <PriceFacts view={view} open={open} sealed={sealed} />
      {view.buyNowPrice !== null && open && view.bidCount === 0 && (
        <>
          <dt>Buy it now</dt>
          <dd>{money(view.buyNowPrice, view.currency)}</dd>
        </>
      )}
      <dt>Leader</dt>
      <dd>{sealed ? SEALED : leader}</dd>
      <dt>Bids</dt>
      <dd>{view.bidCount}</dd>
      <dt>Reserve</dt>
      <dd>
        {sealed ? SEALED : reserveText(view)}
        {isSeller &&
          typeof view.reservePrice === 'number' &&
          ` (yours: ${money(view.reservePrice, view.currency)})`}
      </dd>
      <dt>Status</dt>
      <dd>{view.status}</dd>
      <dt>Ends</dt>
      <dd>
        <Ends view={view} />
      </dd>
      {typeof view.myMaxAmount === 'number' && (
        <>
          <dt>Your maximum</dt>
          <dd title="Only you see this: automatic bids defend your lead up to it">
            {money(view.myMaxAmount, view.currency)} (only you see this)
          </dd>
        </>
      )}
    </dl>
  );
}

/** The price, and what the format says of the next bid. */
function PriceFacts({ view, open, sealed }: { view: AuctionView; open: boolean; sealed: boolean }) {
  return (
    <>
      <dt>{sealed ? 'Starting price' : view.format === 'dutch' && open ? 'Price now' : 'Current price'}</dt>
      <dd aria-live={view.format === 'dutch' ? 'off' : undefined}>
        {money(view.currentPrice, view.currency)}
      </dd>
      {open && view.dutch && (
        <>
          <dt>Falls by</dt>
          <dd>
            {money(view.dutch.dropAmount, view.currency)} every {view.dutch.dropEverySeconds} s, to{' '}
            {money(view.dutch.floorPrice, view.currency)}
          </dd>
        </>
      )}
      {open && view.format === 'english' && (
        <>
          <dt>Minimum bid</dt>
          <dd>{money(view.minimumBid, view.currency)}</dd>
          <dt>Bid increment</dt>
          <dd>{money(bidIncrement(view), view.currency)}</dd>
        </>
      )}
    </>
  );
}
