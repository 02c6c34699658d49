import { apiRouter, documentHeaders, escapeHtml, ProblemError, type DocumentedRouter } from '../platform';

/** What each problem code means and what a client should do: served at /problems/<code>. */
export const PROBLEM_PAGES: Record<string, { meaning: string; action: string }> = {
  VALIDATION_FAILED: {
    meaning: 'A field of the request (body, query, path or header) is missing or has the wrong shape.',
    action:
      'Read `errors`: each names the field and what is wrong. Fix the request; retrying it as is fails again.',
  },
  MALFORMED_JSON: { meaning: 'The body is not valid JSON.', action: 'Send a valid JSON body.' },
  UNSUPPORTED_MEDIA_TYPE: {
    meaning: 'The body was sent with another Content-Type than JSON.',
    action: 'Send the body with `Content-Type: application/json`.',
  },
  PAYLOAD_TOO_LARGE: {
    meaning: 'The body is too large: over 64 KiB for JSON, over 10 MiB for a photo.',
    action: 'Send a smaller body (a photo: scale it down or compress it more).',
  },
  INVALID_IMAGE: {
    meaning: 'The photo could not be decoded as the image its Content-Type says (JPEG, PNG or WebP).',
    action: 'Send the image file itself, with its own type; nothing was stored.',
  },
  TOO_MANY_PHOTOS: {
    meaning: 'The auction has 12 photos, the most it may have.',
    action: 'Remove one (`DELETE /auctions/{id}/photos/{photoId}`) before adding another.',
  },
  PHOTO_EXISTS: { meaning: 'This photo was added already.', action: 'Do not retry.' },
  PHOTO_NOT_FOUND: { meaning: 'No photo has this id (of this auction).', action: 'Check the id.' },
  HEADERS_TOO_LARGE: {
    meaning: 'The request headers are too large.',
    action: 'Send fewer or smaller headers.',
  },
  URI_TOO_LONG: { meaning: 'The request URI is too long.', action: 'Shorten the URI.' },
  BAD_REQUEST: { meaning: 'The request could not be read as HTTP.', action: 'Fix the client.' },
  REQUEST_TIMEOUT: { meaning: 'The request took too long to arrive.', action: 'Retry.' },
  UNAUTHORIZED: {
    meaning: 'The route needs a valid token, and none (or an invalid or expired one) was sent.',
    action: 'Log in (`POST /auth/login`) and send `Authorization: Bearer <token>`.',
  },
  FORBIDDEN: {
    meaning: 'The token is valid but lacks the role this route needs.',
    action: 'Ask an operator for the role.',
  },
  INVALID_CREDENTIALS: {
    meaning: 'The email or the password is wrong.',
    action: 'Check both; no hint says which.',
  },
  EMAIL_TAKEN: {
    meaning: 'An account with this email exists.',
    action: 'Log in instead, or use another email.',
  },
  NOT_FOUND: { meaning: 'No route has this path.', action: 'Check the path against /openapi.json.' },
  METHOD_NOT_ALLOWED: {
    meaning: 'The path exists but not with this method.',
    action: 'Use one of the methods the `Allow` header lists.',
  },
  AUCTION_NOT_FOUND: {
    meaning: 'No auction has this id (or not yet, on a read model that lags).',
    action: 'Check the id; after your own command, send its `position` as `X-Min-Position`.',
  },
  BID_NOT_FOUND: { meaning: 'The auction has no bid with this id.', action: 'Check the id.' },
  AUCTION_NOT_OPEN: {
    meaning: 'The auction does not take this now: it has not started, has ended, or was closed or cancelled.',
    action: 'Read the auction (`GET /auctions/{id}`) for its status and times.',
  },
  AUCTION_NOT_ENDED: { meaning: 'The auction cannot close before its end.', action: 'Wait for `endsAt`.' },
  BID_TOO_LOW: {
    meaning: 'The bid is below the minimum next bid.',
    action: 'Bid at least `minimumBid` (in the problem, and in the auction view).',
  },
  SELLER_CANNOT_BID: { meaning: 'The seller may not bid on their own auction.', action: 'Do not retry.' },
  AUCTION_HAS_BIDS: {
    meaning: 'An auction with bids cannot be cancelled.',
    action: 'Let it run to its end.',
  },
  NOT_SELLER: { meaning: 'Only the seller may do this.', action: 'Do not retry with this account.' },
  AUCTION_ALREADY_EXISTS: {
    meaning: 'An auction with this id exists.',
    action: 'Use a new Idempotency-Key for a new auction.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    meaning: 'This Idempotency-Key was used before with another request body.',
    action: 'Use a new key for a new request; resend the same body to get the first reply.',
  },
  RATE_LIMITED: {
    meaning: 'Too many requests from you in a short time.',
    action: 'Wait `Retry-After` seconds.',
  },
  PROJECTION_LAGGING: {
    meaning: 'The read model had not reached your `X-Min-Position` within 5 s.',
    action: 'Retry after `Retry-After` seconds with the same header.',
  },
  BUSY: {
    meaning: 'The auction is too contended right now; nothing was recorded.',
    action: 'Retry after `Retry-After` seconds (with the same Idempotency-Key, safely).',
  },
  SERVICE_UNAVAILABLE: {
    meaning: 'A store the service needs is unreachable; nothing was recorded.',
    action: 'Retry after `Retry-After` seconds.',
  },
  INTERNAL_ERROR: {
    meaning: 'A bug on our side; it is logged.',
    action: 'Retry later; report it if it lasts.',
  },
  ACCOUNT_SUSPENDED: {
    meaning: 'An admin suspended your account: you may log in and read, not act.',
    action: 'Do not retry; contact the platform.',
  },
  BIDDER_BLOCKED: {
    meaning: "The auction's seller does not accept your bids.",
    action: "Do not retry on this seller's auctions.",
  },
  BIDDER_NOT_APPROVED: {
    meaning: 'This sale takes bids only from bidders its seller approved, and you are not (yet).',
    action: "Ask to bid (`POST /sales/{id}/registrations`) and wait for the seller's answer.",
  },
  RETRACTION_TOO_LATE: {
    meaning: 'Bids may be retracted only while more than 12 hours remain before the end.',
    action: 'Ask the seller to cancel the bid instead.',
  },
  CANNOT_BLOCK_SELF: { meaning: 'You cannot block yourself.', action: 'Name another bidder.' },
  CANNOT_SUSPEND_SELF: { meaning: 'An admin cannot suspend themselves.', action: 'Ask another admin.' },
  APPROVAL_NOT_REQUIRED: {
    meaning: 'This sale does not require approval: anyone may bid on its lots.',
    action: 'Just bid.',
  },
  SELLER_CANNOT_REGISTER: {
    meaning: 'The seller does not register for their own sale.',
    action: 'Do not retry.',
  },
  REGISTRATION_NOT_FOUND: {
    meaning: 'This bidder has not asked to bid in this sale.',
    action: 'Check the user id; only bidders who asked can be approved or declined.',
  },
  USER_NOT_FOUND: { meaning: 'No account has this email.', action: 'Check the address.' },
  INVOICE_NOT_FOUND: { meaning: 'No invoice has this id.', action: 'Check the id (from `/me/invoices`).' },
  NOT_BUYER: {
    meaning:
      'Only the buyer gives checkout details; an invoice is shown to its buyer, its seller and admins.',
    action: 'Sign in as the buyer.',
  },
  INVOICE_PAID: {
    meaning: 'The invoice is paid in full: it takes no more payments.',
    action: 'Nothing to do.',
  },
  INVOICE_VOID: {
    meaning: 'The invoice was voided (the lot was offered to another bidder): it takes nothing more.',
    action: "Look at the auction's newer invoice, if any.",
  },
  INVOICE_NOT_OVERDUE: {
    meaning: 'Only an overdue invoice can be voided.',
    action: 'Wait for its deadline.',
  },
  OVERPAYMENT: {
    meaning: 'The payment is more than is still due on the invoice.',
    action: 'Record at most `due` (in the problem), the amount still owed.',
  },
  SECOND_CHANCE_NOT_AVAILABLE: {
    meaning:
      'A second chance is for an auction whose invoice is overdue (unpaid past its deadline) or whose reserve was not met.',
    action: 'Wait for the invoice to turn overdue, or sell the lot again.',
  },
  NO_CANDIDATES: { meaning: 'No other bidder is left to offer the lot to.', action: 'Sell the lot again.' },
  OFFER_NOT_FOUND: { meaning: 'No offer has this id.', action: 'Check the id (from `/me/offers`).' },
  NOT_OFFERED_TO_YOU: { meaning: 'This offer was made to another bidder.', action: 'Nothing to do.' },
  OFFER_NOT_OPEN: {
    meaning: 'The offer was answered (accepted or declined) or has expired.',
    action: 'Nothing to do: it went to the next bidder, or the second chance is over.',
  },
  OFFER_EXPIRED: { meaning: 'The offer expired before it was answered.', action: 'Nothing to do.' },
  OPEN_INVOICES: {
    meaning: 'You owe an open or overdue invoice: the account cannot be deleted until it is paid.',
    action: 'Pay what you owe (see `/me/invoices`), then delete the account.',
  },
  ACCOUNT_ERASED: { meaning: 'This account was deleted.', action: 'Nothing can be done with it any more.' },
};

/** GET /problems/:code: a short page per problem code (the `type` of every problem links here). */
export function problemPages(): DocumentedRouter {
  const { router, route } = apiRouter();
  route(
    {
      tag: 'Operations',
      method: 'get',
      path: '/problems/:code',
      operationId: 'getProblemPage',
      summary: 'What a problem code means and what a client should do',
      description: 'Every problem answer links here in its `type`.',
      params: { code: { type: 'string', pattern: '^[A-Z_]{1,40}$' } },
      responses: {
        200: { description: 'A short HTML page', contentType: 'text/html', schema: { type: 'string' } },
      },
      problems: { 404: ['NOT_FOUND'] },
    },
    (req, res) => {
      const code = String(req.params.code);
      const page = PROBLEM_PAGES[code];
      if (!page) throw new ProblemError(404, 'NOT_FOUND', 'Not found', `No problem code ${code}`);
      documentHeaders(req, res, () =>
        res
          .type('text/html')
          .send(
            `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${code}</title></head><body>` +
              `<h1>${code}</h1><p>${prose(page.meaning)}</p><p><strong>What to do:</strong> ${prose(page.action)}</p>` +
              `<p><a href="/docs">API documentation</a></p></body></html>`,
          ),
      );
    },
  );
  return router;
}

/** A page's sentence as HTML: escaped, with `names` set as code. */
const prose = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
