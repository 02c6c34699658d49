import type { IncomingMessage } from 'node:http';
import { isPosition } from '../../events';
import { etagOf, notModified, type FastAnswer, type FastLane } from '../../platform';
import { renderStoredView } from '../../projections';
import type { HotViews } from './hotViews';

const HOT_PATH = /^\/auctions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * The hottest request, `GET /auctions/:id` from an anonymous watcher, answered straight from this
 * process's memory without the express stack. Gives no answer for anything it does not fully
 * handle (a token, a query string, a view not in memory or older than `X-Min-Position`), and
 * express then answers it the ordinary way (which also fills the memory).
 */
export function hotAuctionRoute(hot: HotViews) {
  return (req: IncomingMessage): FastAnswer | undefined => {
    if (req.method !== 'GET' || req.headers.authorization !== undefined) return undefined;
    const match = HOT_PATH.exec(req.url ?? '');
    if (!match) return undefined;
    const now = Date.now();
    const entry = hot.get(match[1]!, now);
    if (!entry) return undefined;
    const minPosition = req.headers['x-min-position'];
    // A malformed header is express's to refuse (400), never to compare.
    if (
      minPosition !== undefined &&
      (typeof minPosition !== 'string' || !isPosition(minPosition) || entry.position < minPosition)
    )
      return undefined;
    return (res, headers) => {
      const view = renderStoredView(entry.view, undefined, now);
      // The stored JSON's tag is computed once per entry; a view changed for `now` gets its own.
      const body = typeof view === 'string' ? view : JSON.stringify(view);
      const etag = typeof view === 'string' ? (entry.view.etag ??= etagOf(body)) : etagOf(body);
      headers['X-Projection-Position'] = entry.position;
      headers.ETag = etag;
      headers['Cache-Control'] = 'no-cache';
      // Added to what the shell set (CORS's Vary: Origin), never in its place.
      const vary = res.getHeader('Vary');
      headers.Vary = vary ? `${String(vary)}, Authorization` : 'Authorization';
      if (notModified(req.headers, etag)) {
        res.writeHead(304, headers);
        return void res.end();
      }
      headers['Content-Type'] = 'application/json; charset=utf-8';
      headers['Content-Length'] = Buffer.byteLength(body);
      res.writeHead(200, headers);
      res.end(body);
    };
  };
}

/** The hot route as a lane of the HTTP shell. */
export const hotAuctionLane = (hot: HotViews): FastLane => ({
  method: 'GET',
  route: '/auctions/:id',
  lookup: hotAuctionRoute(hot),
});
