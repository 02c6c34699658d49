/** What a request gets on either path, the fast lanes or the full shell: its id, its headers, its route's name. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;
/**
 * Writes a whole response, with the given headers added; an answer that must wait (for the
 * body, for a command) returns a promise settled once the response is written.
 */
export type FastAnswer = (
  res: ServerResponse,
  headers: Record<string, string | number>,
) => void | Promise<void>;
/** A route outside express: the answer to a request it fully handles, else undefined. */
export type FastRoute = (req: IncomingMessage) => FastAnswer | undefined;
/** A fast route and what the metrics call it. */
export interface FastLane {
  method: string;
  /** The route's label in the metrics, as express names it (`/auctions/:id`). */
  route: string;
  lookup: FastRoute;
}
/**
 * The headers of every API response (JSON and problems), the OWASP REST set: nothing may frame
 * it or load anything from it, no MIME sniffing, HTTPS from the first visit on, no referrer.
 * Helmet's other headers concern documents (a script policy, the opener, DNS prefetch, old IE
 * and Flash), and the API's responses are not documents: they were about 500 bytes more on every
 * reply, a bid's included, for every client to read.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The path without its query string, and never a `token=` (WebSocket and copy-pasted URLs). */
export const safePath = (url: string | undefined) => (url ?? '/').split('?')[0]!;

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

const ROUTE = Symbol('route');

/** Lets a handler outside express name its route for the metrics. */
export function markRoute(res: ServerResponse, route: string) {
  (res as ServerResponse & { [ROUTE]?: string })[ROUTE] = route;
}

export const routeOf = (res: ServerResponse) =>
  (res as ServerResponse & { [ROUTE]?: string })[ROUTE] ?? 'unmatched';
