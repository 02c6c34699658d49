import type { IncomingMessage } from 'node:http';
import { BODY_LIMIT_BYTES } from './httpApp';
import { malformedJson, type ProblemError } from './problem';

// What express.json reads without help: JSON in UTF-8 (the default), not compressed.
const PLAIN_JSON = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;
// express.json is strict: a body is an object or an array.
const OBJECT_OR_ARRAY = /^[ \t\n\r]*[{[]/;

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
 * Reads and parses a body hasPlainJsonBody accepted, as express.json would: the parsed value,
 * the 400 MALFORMED_JSON express answers, or undefined when the client went away first.
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
      let text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte order mark, as iconv drops it
      if (!OBJECT_OR_ARRAY.test(text)) return resolve({ problem: malformedJson() });
      try {
        resolve({ body: JSON.parse(text) as unknown });
      } catch {
        resolve({ problem: malformedJson() });
      }
    });
  });
}
