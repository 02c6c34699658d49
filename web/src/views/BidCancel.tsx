/**
 * Cancelled bids on the auction page: the bids list follows a BidCancelled frame, the seller
 * cancels a bidder's bids with a reason, a bidder retracts their own while more than 12 hours remain.
 */
import { useState } from 'preact/hooks';
import { api, done, ok, type AuctionView, type Bid } from '../api';
import type { BidResult } from './bidding';
import { refusal } from './refusal';

/** What a BidCancelled frame says of the bids: those that no longer stand, and those that stand anew. */
export interface CancelledBids {
  removedBidIds: string[];
  placedBids: Array<Omit<Bid, 'revision'>>;
}

/** The held bids after a cancellation: gone ones out, amended or new ones in, newest first. */
export function afterCancel(held: Bid[], cancelled: CancelledBids, revision: number): Bid[] {
  const gone = new Set([...cancelled.removedBidIds, ...cancelled.placedBids.map((b) => b.bidId)]);
  const placed = cancelled.placedBids.map((b) => ({ ...b, revision }));
  return [...held.filter((b) => !gone.has(b.bidId)), ...placed].sort((a, b) =>
    b.placedAt.localeCompare(a.placedAt),
  );
}

const RETRACT_MS = 12 * 3600 * 1000;

/** The seller's control on one bid of an open auction: cancel it (and all its bidder's bids) with a reason. */
export function CancelBid({
  view,
  bid,
  onResult,
}: {
  view: AuctionView;
  bid: Bid;
  onResult(r: BidResult): void;
}) {
  const [reason, setReason] = useState('');
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <button type="button" class="link" onClick={() => setOpen(true)}>
        Cancel this bidder's bids
      </button>
    );
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await ok(
        api.POST('/auctions/{id}/bids/{bidId}/cancel', {
          params: { path: { id: view.auctionId, bidId: bid.bidId } },
          body: { reason },
        }),
      );
      setOpen(false);
      onResult({ kind: 'done', text: "The bidder's bids were cancelled." });
    } catch (error) {
      onResult(refusal(error, view.currency));
    }
  };
  return (
    <form class="inline" onSubmit={(e) => void submit(e)}>
      <label>
        Reason
        <input required maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      <button type="submit">Cancel bids</button>
    </form>
  );
}

/** A button that runs one request and says how it went on the page's result line. */
function ActionButton(props: {
  view: AuctionView;
  onResult(r: BidResult): void;
  run(): Promise<unknown>;
  label: string;
  done: string;
}) {
  const act = async () => {
    try {
      await props.run();
      props.onResult({ kind: 'done', text: props.done });
    } catch (error) {
      props.onResult(refusal(error, props.view.currency));
    }
  };
  return (
    <button type="button" class="link" onClick={() => void act()}>
      {props.label}
    </button>
  );
}

/** A bidder's own: retract every bid of theirs on the auction, while more than 12 hours remain. */
export function RetractBids({ view, onResult }: { view: AuctionView; onResult(r: BidResult): void }) {
  if (Date.parse(view.endsAt) - Date.now() <= RETRACT_MS) return null;
  return (
    <ActionButton
      view={view}
      onResult={onResult}
      run={() =>
        ok(api.POST('/auctions/{id}/retract', { params: { path: { id: view.auctionId } }, body: {} }))
      }
      label="Retract my bids"
      done="Your bids were retracted."
    />
  );
}

/** The seller's other control on a bid: block its bidder from all their auctions. */
export function BlockBidder({
  view,
  bid,
  onResult,
}: {
  view: AuctionView;
  bid: Bid;
  onResult(r: BidResult): void;
}) {
  return (
    <ActionButton
      view={view}
      onResult={onResult}
      run={() =>
        done(api.PUT('/me/blocked-bidders/{userId}', { params: { path: { userId: bid.bidderId } } }))
      }
      label="Block this bidder"
      done="Blocked: their bids on your auctions are refused from now on (those placed stand: cancel them if you wish)."
    />
  );
}

/** What the seller may do about a bid of their open auction. */
export const SellerControls = (props: { view: AuctionView; bid: Bid; onResult(r: BidResult): void }) => (
  <>
    <CancelBid {...props} /> <BlockBidder {...props} />
  </>
);
