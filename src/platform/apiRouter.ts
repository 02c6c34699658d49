import { Router, type RequestHandler } from 'express';
import type { SchemaObject } from 'ajv';
import { requireJsonBody, validatePathParams } from './httpSemantics';
import { validateBody, validateQuery } from './validation';

/** What a guard (auth, role, rate limit) adds to the document of every route it protects. */
export interface GuardDoc {
  auth?: 'required' | 'optional';
  roles?: string[];
  rateLimit?: string;
  /** Problems the guard itself may answer, by status. */
  problems?: Record<number, string[]>;
}

const GUARD_DOC = Symbol('guardDoc');
type DescribedHandler = RequestHandler & { [GUARD_DOC]?: GuardDoc };

/** Marks a middleware with what it means for the API document (401, 403, 429...). */
export function describeGuard<T extends RequestHandler>(handler: T, doc: GuardDoc): T {
  (handler as DescribedHandler)[GUARD_DOC] = doc;
  return handler;
}

export const guardDocOf = (handler: RequestHandler): GuardDoc | undefined =>
  (handler as DescribedHandler)[GUARD_DOC];

export interface ResponseDoc {
  description: string;
  schema?: SchemaObject;
  /** Defaults to application/json. */
  contentType?: string;
  /** Several types the same answer may have (a file, say), instead of contentType. */
  contentTypes?: string[];
  /** For a stream of JSON values (NDJSON): the schema of each one. */
  itemSchema?: SchemaObject;
  headers?: Record<string, string>;
}

export interface HeaderDoc {
  name: string;
  description: string;
  schema: SchemaObject;
}

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express syntax: `/auctions/:id/bids`. */
  path: string;
  /** The operation's name in the OpenAPI document (and in generated clients). */
  operationId: string;
  summary: string;
  /** What it does, for the API documentation. */
  description: string;
  tag: string;
  guards?: RequestHandler[];
  /** The body's schema: validated here (400 VALIDATION_FAILED) and published as is. */
  body?: SchemaObject;
  /** A body that is a file, not JSON (the handler reads it): its types and largest size, for the document. */
  rawBody?: { contentTypes: string[]; maxBytes: number };
  /** The query's schema, with the same treatment. */
  query?: SchemaObject;
  /** Path parameters; `:id` defaults to a UUID. */
  params?: Record<string, SchemaObject>;
  headers?: HeaderDoc[];
  responses: Record<number, ResponseDoc>;
  /** Problem codes this route answers with, by status. */
  problems?: Record<number, string[]>;
}

/** A Router whose routes each carry their document: the validation and the OpenAPI have one source. */
export interface DocumentedRouter extends Router {
  routeSpecs: RouteSpec[];
}

export function apiRouter(): {
  router: DocumentedRouter;
  route(spec: RouteSpec, handler: RequestHandler): void;
} {
  const router = Router() as DocumentedRouter;
  router.routeSpecs = [];
  const route = (spec: RouteSpec, handler: RequestHandler) => {
    router.routeSpecs.push(spec);
    const params = validatePathParams(spec);
    const validators = [
      ...(params ? [params] : []),
      ...(spec.body ? [requireJsonBody, validateBody(spec.body)] : []),
      ...(spec.query ? [validateQuery(spec.query)] : []),
    ];
    router[spec.method](spec.path, ...(spec.guards ?? []), ...validators, handler);
  };
  return { router, route };
}

export const isDocumentedRouter = (router: Router): router is DocumentedRouter =>
  Array.isArray((router as unknown as Partial<DocumentedRouter>).routeSpecs);
