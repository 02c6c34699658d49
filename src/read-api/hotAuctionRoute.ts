import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPosition } from '../events';
import { renderStoredView } from '../projections';
import type { HotViews } from './hotViews';

const HOT_PATH = /^\/auctions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * The hottest request, `GET /auctions/:id` from an anonymous watcher, answered straight from this
 * process's memory without the express stack. Returns false for anything it does not fully
 * handle (a token, a query string, a view not in memory or older than `X-Min-Position`), and
 * express then answers it the ordinary way (which also fills the memory).
 */
export function hotAuctionRoute(hot: HotViews) {
  return (req: IncomingMessage, res: ServerResponse, headers: Record<string, string | number>): boolean => {
    if (req.method !== 'GET' || req.headers.authorization !== undefined) return false;
    const match = HOT_PATH.exec(req.url ?? '');
    if (!match) return false;
    const now = Date.now();
    const entry = hot.get(match[1]!, now);
    if (!entry) return false;
    const minPosition = req.headers['x-min-position'];
    // A malformed header is express's to refuse (400), never to compare.
    if (
      minPosition !== undefined &&
      (typeof minPosition !== 'string' || !isPosition(minPosition) || entry.position < minPosition)
    )
      return false;
    const view = renderStoredView(entry.view, undefined, now);
    const body = typeof view === 'string' ? view : JSON.stringify(view);
    headers['Content-Type'] = 'application/json; charset=utf-8';
    headers['Content-Length'] = Buffer.byteLength(body);
    headers['X-Projection-Position'] = entry.position;
    res.writeHead(200, headers);
    res.end(body);
    return true;
  };
}
