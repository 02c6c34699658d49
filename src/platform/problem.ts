import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';

/** An expected failure with a stable code, answered as application/problem+json (RFC 9457). */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = 'ProblemError';
  }
}

/** The RFC 9457 body of a problem. */
export function problemBody(problem: ProblemError) {
  return {
    // A relative link the service serves: a short page on what the code means and what to do.
    type: `/problems/${problem.code}`,
    title: problem.title,
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    code: problem.code,
    ...problem.extra,
  };
}

/** The challenge of every 401 (RFC 9110 wants one): a bearer token, refined where a token failed. */
export const BEARER_CHALLENGE = 'Bearer realm="live-auctions"';

/**
 * The headers a problem's status calls for, the one place they are set (both transports):
 * every 503 asks to retry in a second, every 401 names its challenge; a header the answer set
 * already (a rate limit's Retry-After, an invalid_token challenge) is kept.
 */
function problemHeaders(problem: ProblemError, res: ServerResponse): Headers {
  const headers: Headers = {};
  if (problem.status === 503 && !res.hasHeader('Retry-After')) headers['Retry-After'] = '1';
  if (problem.status === 401 && !res.hasHeader('WWW-Authenticate'))
    headers['WWW-Authenticate'] = BEARER_CHALLENGE;
  return headers;
}

export function sendProblem(res: Response, problem: ProblemError): void {
  res.set(problemHeaders(problem, res));
  res.status(problem.status).type('application/problem+json').json(problemBody(problem));
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ProblemError(404, 'NOT_FOUND', 'Not found', `No route for ${req.method} ${req.path}`));
};

interface HttpError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

// Connection failures and PostgreSQL's "cannot serve now" classes: the client should retry.
// 40001/40P01: a serialization failure or deadlock victim, retryable by definition.
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '40001',
  '40P01',
]);

export function isTransientError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code && (TRANSIENT_CODES.has(code) || code.startsWith('08'))) return true;
  return /Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
    message ?? '',
  );
}

/**
 * The problem a thrown error is answered with: a ProblemError as it is, a body parser's failure
 * (malformed JSON, too large), a backing service away (503); undefined for anything else: a bug.
 */
export function problemOf(error: unknown): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  const httpError = error as HttpError;
  const status = httpError.status ?? httpError.statusCode;
  if (httpError.expose && status && status >= 400 && status < 500) {
    // Body parser failures: malformed JSON, too large, unsupported charset.
    if (status === 413)
      return new ProblemError(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', 'The body is over 64 KiB');
    if (httpError.type === 'entity.parse.failed') return malformedJson();
    return new ProblemError(status, 'BAD_REQUEST', 'Bad request', (error as Error).message);
  }
  // The router could not decode a path parameter (%ED%A0%80: a lone surrogate's bytes, not UTF-8).
  if (error instanceof URIError && status === 400)
    return new ProblemError(
      400,
      'VALIDATION_FAILED',
      'Validation failed',
      'path is not percent-encoded UTF-8',
      {
        errors: [{ field: 'path', message: 'must be percent-encoded UTF-8' }],
      },
    );
  if (isTransientError(error))
    return new ProblemError(
      503,
      'SERVICE_UNAVAILABLE',
      'Service unavailable',
      'A backing service is unavailable; retry shortly',
    );
  return undefined;
}

export const malformedJson = () =>
  new ProblemError(400, 'MALFORMED_JSON', 'Malformed JSON', 'The body is not valid JSON');

export const internalError = () =>
  new ProblemError(500, 'INTERNAL_ERROR', 'Internal error', 'Something went wrong on our side');

/** Turns thrown errors into problems; only bugs become a 500, and their details stay in the log. */
export function errorHandler(onBug: (error: unknown, req: Request) => void): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const problem = problemOf(error);
    if (problem) return sendProblem(res, problem);
    onBug(error, req);
    sendProblem(res, internalError());
  };
}

type Headers = Record<string, string | number>;

/**
 * A whole JSON answer on a bare ServerResponse, as express's `res.status().json()` writes it
 * (for the routes answered in front of express), with `headers` added.
 */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Headers = {},
  contentType = 'application/json',
) {
  const text = JSON.stringify(body);
  headers['Content-Type'] = `${contentType}; charset=utf-8`;
  headers['Content-Length'] = Buffer.byteLength(text);
  res.writeHead(status, headers);
  res.end(text);
}

/** A problem on a bare ServerResponse, as sendProblem writes it; a 503 asks to retry in a second. */
export function writeProblem(res: ServerResponse, problem: ProblemError, headers: Headers = {}) {
  Object.assign(headers, problemHeaders(problem, res));
  writeJson(res, problem.status, problemBody(problem), headers, 'application/problem+json');
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE', 'Request headers too large'],
  HPE_URI_TOO_LONG: [414, 'URI_TOO_LONG', 'URI too long'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'Request timeout'],
};

/**
 * For requests node's HTTP parser refuses before any handler runs (headers over 16 KiB, a
 * malformed request line): a problem+json reply like every other refusal, then the connection
 * closes.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const [status, code, title] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'BAD_REQUEST', 'Bad request'];
  const body = JSON.stringify(problemBody(new ProblemError(status, code, title)));
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Text for HTML: the five characters that could open markup. */
export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
