import type { IncomingMessage } from 'node:http';
import { BODY_LIMIT_BYTES } from './httpApp';
import { jsonShapeError } from './jsonInput';
import { malformedJson, type ProblemError } from './problem';
import { validationProblem } from './validation';

// What express.json reads without help: JSON in UTF-8 (the default), not compressed.
const PLAIN_JSON = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;

/**
 * Whether a request's body is one a route in front of express may read itself: JSON in UTF-8,
 * of a declared length within the body limit, not compressed. Anything else (chunked, gzip,
 * another charset, too large) is for express, which answers it as it always has.
 */
export function hasPlainJsonBody(req: IncomingMessage): boolean {
  const { headers } = req;
  const type = headers['content-type'];
  if (type === undefined || !PLAIN_JSON.test(type)) return false;
  if (headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined) return false;
  const length = Number(headers['content-length']);
  return Number.isInteger(length) && length > 0 && length <= BODY_LIMIT_BYTES;
}

/**
 * A request body's text parsed as every route takes it (express and the fast lanes alike): the
 * parsed value, or the problem. An empty body is `{}`; a body that parses but is no object or
 * array, is nested deeper than MAX_JSON_DEPTH or names a member twice is a 400 naming the field.
 */
export function parseJsonBody(text: string): { body: unknown } | { problem: ProblemError } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte order mark, as iconv drops it
  if (text.trim() === '') return { body: {} };
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    return { problem: malformedJson() };
  }
  if (body === null || typeof body !== 'object')
    return { problem: validationProblem([{ field: 'body', message: 'must be a JSON object' }]) };
  const shape = jsonShapeError(text);
  return shape ? { problem: validationProblem([shape]) } : { body };
}

/**
 * Reads and parses a body hasPlainJsonBody accepted, as express answers it: the parsed value,
 * the problem, or undefined when the client went away first.
 */
export function readJsonBody(
  req: IncomingMessage,
): Promise<{ body: unknown } | { problem: ProblemError } | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let ended = false;
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('error', () => resolve(undefined));
    req.once('close', () => ended || resolve(undefined));
    req.once('end', () => {
      ended = true;
      resolve(parseJsonBody((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8')));
    });
  });
}
