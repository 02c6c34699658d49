/** Hash routes: each view has its own, so a link to an auction or an analyst view can be shared. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'list' }
  | { name: 'auction'; id: string }
  | { name: 'analyst'; id: string }
  | { name: 'sale'; id: string }
  | { name: 'sales' | 'newSale' }
  | { name: 'market' | 'create' | 'me' | 'watchlist' | 'login' | 'admin' }
  | { name: AfterHammerPage };

/** After the hammer's pages: the buyer's invoices, the seller's, the bidder's offers, the account. */
export type AfterHammerPage = 'invoices' | 'salesInvoices' | 'offers' | 'account';
const AFTER_HAMMER: Record<string, AfterHammerPage> = {
  '#/invoices': 'invoices',
  '#/sales-invoices': 'salesInvoices',
  '#/offers': 'offers',
  '#/account': 'account',
};

const ID = '([0-9a-f-]{36})';

export function parseRoute(hash: string): Route {
  const auction = new RegExp(`^#/auction/${ID}$`, 'i').exec(hash);
  if (auction) return { name: 'auction', id: auction[1]!.toLowerCase() };
  const analyst = new RegExp(`^#/analyst/${ID}$`, 'i').exec(hash);
  if (analyst) return { name: 'analyst', id: analyst[1]!.toLowerCase() };
  const sale = new RegExp(`^#/sale/${ID}$`, 'i').exec(hash);
  if (sale) return { name: 'sale', id: sale[1]!.toLowerCase() };
  if (hash === '#/sales') return { name: 'sales' };
  if (hash === '#/sales/new') return { name: 'newSale' };
  const page = AFTER_HAMMER[hash];
  if (page) return { name: page };
  const named = /^#\/(market|create|me|watchlist|login|admin)$/.exec(hash)?.[1];
  return named ? { name: named as 'market' } : { name: 'list' };
}

/** The route now, and a counter that moves when its link is followed again (to refresh it). */
export function useRoute(): [Route, number] {
  const [state, setState] = useState(() => ({ route: parseRoute(location.hash), visit: 0 }));
  useEffect(() => {
    const onHash = () => setState((s) => ({ route: parseRoute(location.hash), visit: s.visit + 1 }));
    // A click on the link of the view already shown refreshes it.
    const onClick = (event: MouseEvent) => {
      const link = (event.target as Element | null)?.closest?.('a[href^="#"]');
      if (link && link.getAttribute('href') === (location.hash || '#/')) onHash();
    };
    window.addEventListener('hashchange', onHash);
    document.addEventListener('click', onClick);
    return () => {
      window.removeEventListener('hashchange', onHash);
      document.removeEventListener('click', onClick);
    };
  }, []);
  return [state.route, state.visit];
}

export const go = (hash: string) => void (location.hash = hash);
