/** The bell: how many notifications came since the last look, and the list when opened. */
import { useState } from 'preact/hooks';
import type { Notification } from '../api';
import { money } from '../format';
import { useStore } from '../store';
import { markAllRead, notifications, readUpTo, unreadCount } from '../watching';

function notificationText(n: Notification) {
  const a = n.auction;
  const title = `“${a.title}”`;
  switch (n.kind) {
    case 'outbid':
      return `Outbid on ${title}: the price is now ${money(a.currentPrice, a.currency)}.`;
    case 'won':
      return `You won ${title} for ${money(a.finalPrice, a.currency)}.`;
    case 'lost':
      return `${title} has ended: you did not win it.`;
    case 'ending_soon':
      return `${title} ends soon, at ${new Date(a.endsAt).toLocaleTimeString()}.`;
    case 'cancelled':
      return `${title} was cancelled.`;
    case 'bid_cancelled':
      return `Your bids on ${title} were cancelled.`;
    case 'leading_again':
      return `You lead ${title} again, at ${money(a.currentPrice, a.currency)}.`;
    case 'offer_received':
      return `A second chance: ${title} is offered to you. See your offers.`;
    case 'offer_expired':
      return `A second chance offer on ${title} expired.`;
    default:
      return `${title}: ${String(n.kind)}`;
  }
}

/** A bell drawn as a path: it renders the same without an emoji font. */
const BellIcon = () => (
  <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
    <path
      fill="currentColor"
      d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
    />
  </svg>
);

export function Bell() {
  const list = useStore(notifications);
  useStore(readUpTo);
  const [open, setOpen] = useState(false);
  const unread = unreadCount();
  const toggle = () => {
    if (!open) markAllRead();
    setOpen(!open);
  };
  return (
    <div class="bell">
      <button
        type="button"
        aria-expanded={open}
        aria-controls="notifications-panel"
        aria-label={unread ? `Notifications: ${unread} new` : 'Notifications'}
        onClick={toggle}
      >
        <BellIcon />
        {unread > 0 && (
          <span class="badge" aria-hidden="true">
            {unread}
          </span>
        )}
      </button>
      <aside id="notifications-panel" hidden={!open} aria-label="Notifications">
        <h2>Notifications</h2>
        {list.length === 0 ? (
          <p class="muted">
            Nothing yet: you are told when you are outbid, win or lose, and when an auction you bid on or
            watch ends soon or is cancelled.
          </p>
        ) : (
          <ol>
            {list
              .slice()
              .reverse()
              .map((n) => (
                <li key={n.notificationId} class={`kind-${n.kind}`}>
                  <a href={`#/auction/${n.auctionId}`}>{notificationText(n)}</a>
                  <span class="muted"> {new Date(n.at).toLocaleString()}</span>
                </li>
              ))}
          </ol>
        )}
      </aside>
    </div>
  );
}
