import type { SchemaObject } from 'ajv';
import { guardDocOf, type GuardDoc, type RouteSpec } from './apiRouter';

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
  500: 'A bug of ours (the log has its details under the X-Request-Id)',
  503: 'Unavailable for now; retry after Retry-After',
};

const integerHeader = (description: string, minimum: number, maximum: number) => ({
  description,
  schema: { type: 'integer', format: 'int32', minimum, maximum },
});
const RETRY_AFTER = integerHeader('Seconds to wait before retrying', 1, 86_400);
const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': integerHeader('Requests allowed in the window', 1, 9_999_999),
  'RateLimit-Remaining': integerHeader('Requests left in the window', 0, 9_999_999),
  'RateLimit-Reset': integerHeader('Seconds until the window resets', 1, 999_999),
};
/** On every reply to a request whose Origin the deployment allows (CORS_ORIGINS). */
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': {
    description: "The request's Origin (or *), when CORS_ORIGINS allows it; absent otherwise",
    schema: { type: 'string', maxLength: 2048 },
  },
};

/** `/auctions/:id` to `/auctions/{id}`. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/** The problem codes a route can answer with, by status: the spec's own and what its guards and schemas add. */
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
  if (spec.query || spec.path.includes(':')) add(400, 'VALIDATION_FAILED');
  for (const guard of guards) {
    if (guard.auth) add(401, 'UNAUTHORIZED'); // an invalid token is refused even where one is optional
    if (guard.roles) add(403, 'FORBIDDEN');
    if (guard.rateLimit) add(429, 'RATE_LIMITED');
    for (const [status, codes] of Object.entries(guard.problems ?? {})) add(Number(status), ...codes);
  }
  for (const [status, codes] of Object.entries(spec.problems ?? {})) add(Number(status), ...codes);
  add(500, 'INTERNAL_ERROR'); // a bug of ours, never anything a client sent
  add(503, 'SERVICE_UNAVAILABLE');
  return problems;
}

const problemResponse = (status: number, codes: string[]) => ({
  description: `${STATUS_TEXT[status] ?? 'Problem'}: ${codes.join(', ')}`,
  headers: {
    ...CORS_HEADERS,
    ...(status === 429 ? { 'Retry-After': RETRY_AFTER, ...RATE_LIMIT_HEADERS } : {}),
    ...(status === 503 ? { 'Retry-After': RETRY_AFTER } : {}),
  },
  content: {
    'application/problem+json': {
      // The codes this operation can answer with at this status, so clients can switch on them.
      schema: {
        allOf: [
          { $ref: '#/components/schemas/Problem' },
          { type: 'object', properties: { code: { type: 'string', enum: codes } } },
        ],
      },
    },
  },
});

function parametersOf(spec: RouteSpec) {
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
  return [...pathParams, ...queryParams, ...headerParams];
}

/** An admin's routes name their own scheme (the same JWT, with the admin role): OWASP API5. */
const securityOf = (auth: GuardDoc['auth'], roles: string[]) => {
  const scheme = roles.length > 0 && roles.every((r) => r === 'admin') ? 'adminBearer' : 'bearer';
  return auth === 'required' ? [{ [scheme]: [] }] : auth === 'optional' ? [{}, { [scheme]: [] }] : [];
};

/** The OpenAPI operation of one route spec. */
export function operation(spec: RouteSpec) {
  const guards = (spec.guards ?? []).map(guardDocOf).filter((g): g is GuardDoc => g !== undefined);
  const auth = guards.find((g) => g.auth)?.auth;
  const roles = guards.flatMap((g) => g.roles ?? []);
  const limited = guards.some((g) => g.rateLimit);
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    const headers = {
      ...CORS_HEADERS,
      ...Object.fromEntries(
        Object.entries(response.headers ?? {}).map(([name, description]) => [
          name,
          { description, schema: { type: 'string', maxLength: 2048 } },
        ]),
      ),
      ...(limited ? RATE_LIMIT_HEADERS : {}),
    };
    const media = response.contentTypes ?? [response.contentType ?? 'application/json'];
    const body = response.itemSchema
      ? { schema: { type: 'string', description: response.description }, 'x-itemSchema': response.itemSchema }
      : { schema: response.schema ?? {} };
    responses[status] = {
      description: response.description,
      headers,
      ...(response.schema || response.contentType || response.contentTypes
        ? { content: Object.fromEntries(media.map((type) => [type, body])) }
        : {}),
    };
  }
  for (const [status, codes] of problemsOf(spec, guards))
    if (!responses[status]) responses[status] = problemResponse(status, [...codes]);
  const roleNote = roles.length ? `\n\nNeeds the role ${roles.join(' or ')}.` : '';
  return {
    tags: [spec.tag],
    summary: spec.summary,
    description: `${spec.description}${roleNote}`,
    operationId: spec.operationId,
    security: securityOf(auth, roles),
    parameters: parametersOf(spec),
    ...(spec.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } }
      : {}),
    ...(spec.rawBody ? { requestBody: rawBodyDoc(spec.rawBody) } : {}),
    responses,
  };
}

/** A file as the body: each type it may have, as bytes of at most `maxBytes`. */
const rawBodyDoc = ({ contentTypes, maxBytes }: NonNullable<RouteSpec['rawBody']>) => ({
  required: true,
  description: `The file itself, at most ${maxBytes} bytes`,
  content: Object.fromEntries(
    contentTypes.map((type) => [
      type,
      { schema: { type: 'string', contentMediaType: type, maxLength: maxBytes } },
    ]),
  ),
});
