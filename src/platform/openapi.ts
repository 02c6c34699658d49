import type { SchemaObject } from 'ajv';
import { Router, type RequestHandler } from 'express';
import swaggerUi from 'swagger-ui-express';
import { apiRouter, guardDocOf, type DocumentedRouter, type GuardDoc, type RouteSpec } from './apiRouter';

export const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details with a stable code',
  properties: {
    type: {
      type: 'string',
      format: 'uri-reference',
      description: 'A page on this service: /problems/<code>',
    },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', pattern: '^[A-Z_]+$' },
    errors: {
      type: 'array',
      description: 'VALIDATION_FAILED: each bad field',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, message: { type: 'string' } },
        required: ['field', 'message'],
      },
    },
    minimumBid: { type: 'integer', description: 'BID_TOO_LOW: the lowest bid accepted now' },
    retryAfter: { type: 'integer', description: 'Seconds to wait, as in the Retry-After header' },
  },
  required: ['type', 'title', 'status', 'code'],
} as const;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  401: 'Missing or invalid token',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body over 64 KiB',
  415: 'The body is not JSON',
  422: 'Refused by the auction rules',
  429: 'Too many requests',
  503: 'Unavailable for now; retry after Retry-After',
};

const RETRY_AFTER = { description: 'Seconds to wait before retrying', schema: { type: 'integer' } };

/** `/auctions/:id` to `/auctions/{id}`. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function problemsOf(spec: RouteSpec, guards: GuardDoc[]): Map<number, Set<string>> {
  const problems = new Map<number, Set<string>>();
  const add = (status: number, ...codes: string[]) => {
    const set = problems.get(status) ?? new Set<string>();
    codes.forEach((c) => set.add(c));
    problems.set(status, set);
  };
  if (spec.body) {
    add(400, 'VALIDATION_FAILED', 'MALFORMED_JSON');
    add(413, 'PAYLOAD_TOO_LARGE');
    add(415, 'UNSUPPORTED_MEDIA_TYPE');
  }
  if (spec.path.includes(':')) add(400, 'VALIDATION_FAILED');
  if (spec.query) add(400, 'VALIDATION_FAILED');
  for (const guard of guards) {
    if (guard.auth) add(401, 'UNAUTHORIZED');
    if (guard.roles) add(403, 'FORBIDDEN');
    if (guard.rateLimit) add(429, 'RATE_LIMITED');
  }
  for (const [status, codes] of Object.entries(spec.problems ?? {})) add(Number(status), ...codes);
  add(503, 'SERVICE_UNAVAILABLE');
  return problems;
}

function operation(spec: RouteSpec) {
  const guards = (spec.guards ?? []).map(guardDocOf).filter((g): g is GuardDoc => g !== undefined);
  const auth = guards.find((g) => g.auth)?.auth;
  const roles = guards.flatMap((g) => g.roles ?? []);
  const pathParams = [...spec.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: spec.params?.[name!] ?? { type: 'string', format: 'uuid' },
  }));
  const query = spec.query as { properties?: Record<string, SchemaObject>; required?: string[] } | undefined;
  const queryParams = Object.entries(query?.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: query?.required?.includes(name) ?? false,
    schema,
  }));
  const headerParams = (spec.headers ?? []).map((h) => ({
    name: h.name,
    in: 'header',
    required: false,
    description: h.description,
    schema: h.schema,
  }));
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(response.headers).map(([name, description]) => [
                name,
                { description, schema: { type: 'string' } },
              ]),
            ),
          }
        : {}),
      ...(response.schema || response.contentType
        ? { content: { [response.contentType ?? 'application/json']: { schema: response.schema ?? {} } } }
        : {}),
    };
  }
  for (const [status, codes] of problemsOf(spec, guards)) {
    if (responses[status]) continue;
    responses[status] = {
      description: `${STATUS_TEXT[status] ?? 'Problem'}: ${[...codes].join(', ')}`,
      ...(status === 429 || status === 503 ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  const roleNote = roles.length ? `\n\nNeeds the role ${roles.join(' or ')}.` : '';
  return {
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description || roleNote ? { description: `${spec.description ?? ''}${roleNote}`.trim() } : {}),
    operationId: `${spec.method}${openApiPath(spec.path)
      .split(/[/{}-]/)
      .filter(Boolean)
      .map((s) => s[0]!.toUpperCase() + s.slice(1))
      .join('')}`,
    ...(auth === 'required' ? { security: [{ bearer: [] }] } : {}),
    ...(auth === 'optional' ? { security: [{}, { bearer: [] }] } : {}),
    parameters: [...pathParams, ...queryParams, ...headerParams],
    ...(spec.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } }
      : {}),
    responses,
  };
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

/** The OpenAPI 3.1 document of the routes, built from the schemas they validate with. */
export function buildOpenApi(info: OpenApiInfo, specs: RouteSpec[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = openApiPath(spec.path);
    paths[path] = { ...paths[path], [spec.method]: operation(spec) };
  }
  return {
    openapi: '3.1.0',
    info,
    tags: [...new Set(specs.map((s) => s.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: problemSchema },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApi>;

/**
 * GET /openapi.json and the Swagger UI at /docs. The document is read when first asked for, so
 * that it can include this router's own route.
 */
export function apiDocsRoutes(getDocument: () => OpenApiDocument): DocumentedRouter {
  const { router, route } = apiRouter();
  route(
    {
      tag: 'Operations',
      method: 'get',
      path: '/openapi.json',
      summary: 'This document (OpenAPI 3.1)',
      responses: { 200: { description: 'The OpenAPI document', schema: { type: 'object' } } },
    },
    (_req, res) => {
      res.json(getDocument());
    },
  );
  // Built on the first visit, once the document holds every route.
  let swagger: Router | undefined;
  const ui: RequestHandler = (req, res, next) => {
    if (!swagger) {
      const document = getDocument();
      swagger = Router().use(
        swaggerUi.serveFiles(document),
        swaggerUi.setup(document, { customSiteTitle: `${document.info.title} API` }),
      );
    }
    swagger(req, res, next);
  };
  router.use('/docs', ui);
  return router;
}
