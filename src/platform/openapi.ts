import { noQuerySchema } from './validation';
import { Router, type RequestHandler } from 'express';
import swaggerUi from 'swagger-ui-express';
import { apiRouter, type DocumentedRouter, type RouteSpec } from './apiRouter';
import { documentHeaders } from './httpShell';
import { withClientLimits } from './openapiLimits';
import { openApiPath, operation } from './openapiOperation';

export { openApiPath } from './openapiOperation';

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
      maxItems: 100, // MAX_FIELD_ERRORS
      description: 'VALIDATION_FAILED: each bad field (the first 100)',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, message: { type: 'string' } },
        required: ['field', 'message'],
      },
    },
    retryAfter: { type: 'integer', description: 'Seconds to wait, as in the Retry-After header' },
  },
  required: ['type', 'title', 'status', 'code'],
} as const;

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
  contact: { name: string };
  license: { name: string; identifier: string };
}

/** A named schema of the document: every place that uses this very object refers to it by name. */
export interface NamedSchema {
  name: string;
  schema: object;
  /** Added to the component only (an OpenAPI `discriminator`, say). */
  extra?: Record<string, unknown>;
}

/** Replaces every use of a named schema (by identity) with its `$ref`, except at the top. */
function referTo(value: unknown, names: Map<object, string>, top = true): unknown {
  if (Array.isArray(value)) return value.map((v) => referTo(v, names, false));
  if (!value || typeof value !== 'object') return value;
  const name = !top && names.get(value);
  if (name) return { $ref: `#/components/schemas/${name}` };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, referTo(v, names, false)]));
}

export interface OpenApiParts {
  info: OpenApiInfo;
  specs: RouteSpec[];
  /** Schemas named in components: every use of the very object refers to it by name. */
  named?: NamedSchema[];
  /** Members some problems add (a domain's own: the lowest bid accepted, say). */
  problemMembers?: Record<string, object>;
  /** What each tag of the routes is about. */
  tags?: Record<string, string>;
}

/** The OpenAPI 3.1 document of the routes, built from the schemas they validate with. */
export function buildOpenApi({ info, specs, named = [], problemMembers = {}, tags = {} }: OpenApiParts) {
  const problem = { ...problemSchema, properties: { ...problemSchema.properties, ...problemMembers } };
  const all = [{ name: 'Problem', schema: problem }, ...named];
  const names = new Map<object, string>(all.map((n) => [n.schema, n.name]));
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = openApiPath(spec.path);
    paths[path] = { ...paths[path], [spec.method]: referTo(operation(spec), names) };
  }
  return withClientLimits({
    openapi: '3.1.0',
    info,
    servers: [
      {
        url: '/',
        description: 'This service, as deployed (production, or a local development instance)',
        'x-internal': false,
      },
    ],
    tags: [...new Set(specs.map((s) => s.tag))]
      .sort()
      .map((name) => ({ name, description: tags[name] ?? name })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A JWT from POST /auth/register or /auth/login, following RFC8725 (JWT best current practices): HS256 only, never alg none, expiry enforced, the claims sub and roles.',
        },
        adminBearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "The same JWT (following RFC8725: HS256 only, never alg none, expiry enforced), of an account with the admin role (granted by `npm run users:grant`): the admin's routes answer 403 FORBIDDEN to any other.",
        },
      },
      schemas: Object.fromEntries(
        all.map((n) => [n.name, { ...(referTo(n.schema, names) as object), ...n.extra }]),
      ),
    },
  });
}

export type OpenApiDocument = ReturnType<typeof buildOpenApi>;

/**
 * GET /openapi.json and the Swagger UI at /docs. The document is read when first asked for, so
 * that it can include this router's own route.
 */
export function apiDocsRoutes(
  getDocument: () => OpenApiDocument,
  getAsyncApi: () => object,
): DocumentedRouter {
  const { router, route } = apiRouter();
  route(
    {
      tag: 'Operations',
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      query: noQuerySchema,
      summary: 'This document (OpenAPI 3.1)',
      description: 'This document (OpenAPI 3.1), built from the same schemas the routes validate with.',
      responses: { 200: { description: 'The OpenAPI document', schema: { type: 'object' } } },
    },
    (_req, res) => {
      res.json(getDocument());
    },
  );
  route(
    {
      tag: 'Operations',
      method: 'get',
      path: '/asyncapi.json',
      operationId: 'getAsyncApiDocument',
      query: noQuerySchema,
      summary: 'The WebSocket protocol at /ws (AsyncAPI 3.0)',
      description:
        'The messages of the WebSocket at /ws, each with its schema (AsyncAPI 3.0), built from the schemas the gateway validates with.',
      responses: { 200: { description: 'The AsyncAPI document', schema: { type: 'object' } } },
    },
    (_req, res) => {
      res.json(getAsyncApi());
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
  // The UI's page and its own assets; any other path under /docs is a 404, not the page again.
  const SWAGGER_ASSET = /^\/(?:[\w.-]+\.(?:css|js|png|map))?$/;
  router.use('/docs', (req, _res, next) => (SWAGGER_ASSET.test(req.path) ? next() : next('router')));
  router.use('/docs', documentHeaders, ui);
  return router;
}
