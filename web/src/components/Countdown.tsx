/** An auction's countdown on the server's clock, and its end in the viewer's own zone. */
import type { AuctionView } from '../api';
import { countdown, endsAtText } from '../format';
import { serverNow } from '../live';
import { useTick } from '../store';

export function Countdown({ view }: { view: AuctionView }) {
  useTick();
  return <span class="countdown">{countdown(view, serverNow())}</span>;
}

export function Ends({ view }: { view: AuctionView }) {
  useTick();
  const open = view.status === 'open' || view.status === 'scheduled';
  return (
    <>
      <time dateTime={view.endsAt}>{endsAtText(view.endsAt)}</time>
      {open && (
        <>
          {' · '}
          <span class="countdown">{countdown(view, serverNow())}</span>
        </>
      )}
    </>
  );
}
