import type { RequestHandler } from 'express';
import type { SchemaObject } from 'ajv';
import type { RouteSpec } from './apiRouter';
import { ProblemError } from './problem';
import { ajv, validationProblem } from './validation';

/** A body sent with another Content-Type than JSON: 415, before anything reads it. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || req.is(['application/json', 'application/*+json'])) return next();
  next(
    new ProblemError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Unsupported media type',
      `Send the body as application/json (got ${req.headers['content-type'] ?? 'no Content-Type'})`,
    ),
  );
};

const UUID_PARAM: SchemaObject = { type: 'string', format: 'uuid' };

/** Validates the path's parameters (`:id` is a UUID unless the spec says otherwise): 400 naming each. */
export function validatePathParams(spec: RouteSpec): RequestHandler | undefined {
  const names = [...spec.path.matchAll(/:(\w+)/g)].map(([, name]) => name!);
  if (names.length === 0) return undefined;
  const checks = names.map((name) => ({ name, validate: ajv.compile(spec.params?.[name] ?? UUID_PARAM) }));
  return (req, _res, next) => {
    const errors = checks
      .filter(({ name, validate }) => !validate(req.params[name]))
      .map(({ name }) => ({
        field: `path.${name}`,
        message: name === 'id' || !spec.params?.[name] ? 'must be a UUID' : 'is invalid',
      }));
    next(errors.length ? validationProblem(errors) : undefined);
  };
}

/**
 * Methods per documented path: OPTIONS answers 204 with `Allow`, a method the path does not
 * have answers 405 with `Allow`. Paths nobody documented go on (static files, 404).
 */
export function methodSemantics(specs: RouteSpec[]): RequestHandler {
  const paths = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const spec of specs) {
    const entry = paths.get(spec.path) ?? {
      pattern: new RegExp(
        `^${spec.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}/?$`,
      ),
      methods: new Set<string>(),
    };
    entry.methods.add(spec.method.toUpperCase());
    paths.set(spec.path, entry);
  }
  const allowedFor = (path: string) => {
    const methods = new Set<string>();
    for (const entry of paths.values())
      if (entry.pattern.test(path)) entry.methods.forEach((m) => methods.add(m));
    if (methods.size === 0) return undefined;
    if (methods.has('GET')) methods.add('HEAD');
    methods.add('OPTIONS');
    return [...methods].sort();
  };
  return (req, res, next) => {
    const allowed = allowedFor(req.path);
    if (!allowed) return next();
    if (req.method === 'OPTIONS') {
      res.setHeader('Allow', allowed.join(', '));
      return void res.status(204).end();
    }
    if (allowed.includes(req.method)) return next();
    res.setHeader('Allow', allowed.join(', '));
    next(
      new ProblemError(
        405,
        'METHOD_NOT_ALLOWED',
        'Method not allowed',
        `${req.path} allows ${allowed.join(', ')}`,
      ),
    );
  };
}
