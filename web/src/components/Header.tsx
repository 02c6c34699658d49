/** The header: where to go, who is signed in, the bell, and whether live updates flow. */
import { useEffect, useState } from 'preact/hooks';
import { liveStatus, onStatus } from '../live';
import { isAdmin, isAnalyst, session } from '../session';
import { Bell } from './Bell';

export function Header({ onLogout }: { onLogout(): void }) {
  const [status, setStatus] = useState(liveStatus());
  useEffect(() => {
    const off = onStatus(setStatus);
    setStatus(liveStatus()); // it may have changed before this effect ran
    return off;
  }, []);
  const signedIn = Boolean(session.token);
  return (
    <header>
      <a href="#/" class="brand">
        Live auctions
      </a>
      <nav aria-label="Main">
        <a href="#/">Open auctions</a>
        <a href="#/sales">Sales</a>
        {signedIn && (
          <>
            <a href="#/create">Sell</a>
            <a href="#/me">My bids</a>
            <a href="#/watchlist">Watchlist</a>
            <a href="#/invoices">My invoices</a>
            <a href="#/sales-invoices">Sales invoices</a>
            <a href="#/offers">Offers</a>
          </>
        )}
        {isAnalyst() && <a href="#/market">Market</a>}
        {isAdmin() && <a href="#/admin">Users</a>}
      </nav>
      <div class="session">
        {signedIn ? (
          <>
            <a href="#/account">{session.displayName}</a>
            <button type="button" onClick={onLogout}>
              Log out
            </button>
          </>
        ) : (
          <a href="#/login">Log in or sign up</a>
        )}
      </div>
      {signedIn && <Bell />}
      <span class={`connection ${status === 'live' ? 'live' : ''}`} role="status" title="Live updates">
        {status === 'live' ? 'live' : status === 'connecting' ? 'connecting…' : 'reconnecting…'}
      </span>
    </header>
  );
}
