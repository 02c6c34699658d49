import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import { ProblemError } from '../platform';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** The encodings a client takes (q > 0), of those the build wrote beside each file, best first. */
function encodingsFor(acceptEncoding: string | undefined): Array<{ name: 'br' | 'gzip'; suffix: string }> {
  const taken = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().split(/\s*;\s*q=/))
      .filter(([, q]) => q === undefined || Number(q) > 0)
      .map(([name]) => name!.toLowerCase()),
  );
  const all = [
    { name: 'br' as const, suffix: '.br' },
    { name: 'gzip' as const, suffix: '.gz' },
  ];
  return all.filter((e) => taken.has(e.name));
}

/**
 * Sends a built file: precompressed (brotli, else gzip) when the client takes it, with its type,
 * its length, `Vary: Accept-Encoding` and the given cache policy. A name outside `root`, or with
 * anything but the characters the build uses, is not found.
 */
export function sendBuilt(
  root: string,
  name: string,
  cacheControl: string,
  res: Parameters<RequestHandler>[1],
  acceptEncoding?: string,
) {
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(name) || name.includes('..')) return false;
  const file = path.join(root, name);
  const type = TYPES[path.extname(file)];
  if (!type || !existsSync(file)) return false;
  const encoding = encodingsFor(acceptEncoding).find((e) => existsSync(file + e.suffix));
  const sent = encoding ? file + encoding.suffix : file;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', statSync(sent).size);
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('Vary', 'Accept-Encoding');
  if (encoding) res.setHeader('Content-Encoding', encoding.name);
  createReadStream(sent).pipe(res);
  return true;
}

/**
 * The build's hashed files under /assets: a name changes with its content, so each is cached for
 * a year, immutable.
 */
export const hashedAssets =
  (root: string): RequestHandler =>
  (req, res, next) => {
    const name = String(req.params.name ?? '');
    const year = 'public, max-age=31536000, immutable';
    if (!sendBuilt(root, `assets/${name}`, year, res, req.headers['accept-encoding']))
      next(new ProblemError(404, 'NOT_FOUND', 'Not found', `No file ${name}`));
  };
