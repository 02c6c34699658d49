/**
 * The live auction page: one module per view over the typed API client and the live updates.
 * The analysts' views (and their chart library) load only when an analyst opens one.
 */
import 'uplot/dist/uPlot.min.css'; // the analysts' chart: 1.6 KB, so not worth a lazy style sheet
import '../app.css';
import { render } from 'preact';
import { lazy, Suspense } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';
import { Header } from './components/Header';
import { connect, reconnect, watch } from './live';
import { useRoute, type AfterHammerPage, type Route } from './router';
import { Admin } from './views/Admin';
import { isAdmin, isAnalyst, session } from './session';
import { renewToken } from './renewal';
import { AuctionList } from './views/AuctionList';
import { AuctionPage } from './views/AuctionPage';
import { CreateAuction } from './views/CreateAuction';
import { Login } from './views/Login';
import { MyBids } from './views/MyBids';
import { Watchlist } from './views/Watchlist';
import { CreateSale } from './views/sales/CreateSale';
import { SaleList } from './views/sales/SaleList';
import { SalePage } from './views/sales/SalePage';
import { Account } from './views/afterHammer/Account';
import { MyInvoices } from './views/afterHammer/Invoices';
import { Offers } from './views/afterHammer/Offers';
import { SalesInvoices } from './views/afterHammer/SalesInvoices';
import { loadWatching } from './watching';

const Analyst = lazy(() => import('./views/analyst/Analyst').then((m) => ({ default: m.Analyst })));
const Market = lazy(() => import('./views/analyst/Market').then((m) => ({ default: m.Market })));

/** After the hammer's pages, each for a signed-in user. */
function AfterHammer({ page, visit }: { page: AfterHammerPage; visit: number }) {
  if (!session.token) return <Login reason="Log in to see this." />;
  if (page === 'invoices') return <MyInvoices visit={visit} />;
  if (page === 'salesInvoices') return <SalesInvoices visit={visit} />;
  return page === 'offers' ? <Offers visit={visit} /> : <Account />;
}

const ANALYSTS_ONLY =
  'The analyst views need the analyst role, which your account does not have. An admin can grant it (npm run users:grant); the page picks it up by itself.';

function View({ route, visit, onError }: { route: Route; visit: number; onError(error: unknown): void }) {
  const signedIn = Boolean(session.token);
  switch (route.name) {
    case 'auction':
      return <AuctionPage key={route.id} auctionId={route.id} onError={onError} />;
    case 'sale':
      return <SalePage key={route.id} saleId={route.id} onError={onError} />;
    case 'sales':
      return <SaleList visit={visit} onError={onError} />;
    case 'newSale':
      return signedIn ? <CreateSale /> : <Login reason="Log in to create a sale." />;
    case 'analyst':
    case 'market':
      if (!signedIn) return <Login reason="Log in as an analyst to see this." />;
      if (!isAnalyst())
        return (
          <section aria-labelledby="analysts-only">
            <h1 id="analysts-only">For analysts</h1>
            <p class="note" role="alert">
              {ANALYSTS_ONLY}
            </p>
          </section>
        );
      return (
        <Suspense fallback={<p aria-busy="true">Loading…</p>}>
          {route.name === 'analyst' ? (
            <Analyst key={route.id} auctionId={route.id} onError={onError} />
          ) : (
            <Market />
          )}
        </Suspense>
      );
    case 'create':
    case 'me':
    case 'watchlist':
      if (!signedIn) return <Login reason="Log in to see this." />;
      if (route.name === 'create') return <CreateAuction />;
      return route.name === 'me' ? (
        <MyBids visit={visit} onError={onError} />
      ) : (
        <Watchlist visit={visit} onError={onError} />
      );
    case 'login':
      return <Login />;
    case 'invoices':
    case 'salesInvoices':
    case 'offers':
    case 'account':
      return <AfterHammer page={route.name} visit={visit} />;
    case 'admin':
      if (!signedIn) return <Login reason="Log in as an admin to see this." />;
      return isAdmin() ? <Admin /> : <p class="note">This page is for admins.</p>;
    default:
      return <AuctionList visit={visit} onError={onError} />;
  }
}

function App() {
  const [route, visit] = useRoute();
  const [, setSession] = useState(0);
  const [notice, setNotice] = useState<string>();
  useEffect(() => session.onChange(() => setSession((n) => n + 1)), []);
  useEffect(() => {
    setNotice(undefined);
    if (route.name !== 'auction') watch([]);
    // A role granted since the token was issued: a renewed token carries it.
    if ((route.name === 'analyst' || route.name === 'market') && session.token && !isAnalyst())
      void renewToken();
  }, [route, visit]);
  const onError = (error: unknown) =>
    setNotice(
      error instanceof ApiError && error.status === 404
        ? route.name === 'sale'
          ? 'No such sale.'
          : 'No such auction.'
        : `Something went wrong: ${(error as Error).message}`,
    );
  const logout = () => {
    session.clear();
    location.hash = '#/';
  };
  return (
    <>
      <Header onLogout={logout} />
      <main>
        {notice && (
          <p class="notice" role="alert">
            {notice}
          </p>
        )}
        <View route={route} visit={visit} onError={onError} />
      </main>
    </>
  );
}

// Signing in or out changes who the connection and the notifications are for.
let signedInAs = session.token;
session.onChange(() => {
  if (session.token === signedInAs) return;
  const sameUser = Boolean(signedInAs) && Boolean(session.token);
  signedInAs = session.token;
  if (sameUser) return; // a renewed token: the same user, the same connection will do
  reconnect();
  void loadWatching().catch(() => undefined);
});
connect();
void loadWatching().catch(() => undefined);
void renewToken();
setInterval(() => void renewToken(), 5 * 60_000);
render(<App />, document.getElementById('app')!);
