import Ajv, { ErrorObject, SchemaObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';
import type { RequestHandler } from 'express';
import { unstorableFields } from './jsonInput';
import { ProblemError } from './problem';

const rfc3339 = fullFormats['date-time'] as { validate: (text: string) => boolean };

/**
 * A timestamp every part of the service can hold: RFC 3339 (ajv-formats), and also one that
 * JavaScript's Date parses (not a leap second, 23:59:60) in years PostgreSQL stores (not 0000).
 * One definition for bodies and queries alike.
 */
export const isStorableDateTime = (text: string) =>
  rfc3339.validate(text) && Number.isFinite(Date.parse(text)) && !text.startsWith('0000');

const withFormats = (instance: Ajv) =>
  addFormats(instance, ['email', 'uuid']).addFormat('date-time', {
    type: 'string',
    validate: isStorableDateTime,
  });

/** One ajv for every request schema: strict, all errors, no type coercion of bodies. */
export const ajv = withFormats(new Ajv({ allErrors: true, strict: true, useDefaults: false }));

/** The query of a route that takes none: any parameter is refused (400), as everywhere else. */
export const noQuerySchema = { type: 'object', additionalProperties: false } as const;

/** The JSON schema of an id (a UUID), shared by every published schema. */
export const uuidSchema = { type: 'string', format: 'uuid' } as const;

export interface FieldError {
  field: string;
  message: string;
}

export function fieldErrors(errors: ErrorObject[] | null | undefined, root: string): FieldError[] {
  return (errors ?? []).map((e) => {
    const missing =
      e.keyword === 'required' ? `/${(e.params as { missingProperty: string }).missingProperty}` : '';
    const extra =
      e.keyword === 'additionalProperties'
        ? `/${(e.params as { additionalProperty: string }).additionalProperty}`
        : '';
    const path = `${e.instancePath}${missing}${extra}`.replace(/^\//, '').replace(/\//g, '.');
    return { field: path ? `${root}.${path}` : root, message: e.message ?? 'is invalid' };
  });
}

/** The most field errors a problem lists (a body of a thousand unknown members is one mistake, many times). */
export const MAX_FIELD_ERRORS = 100;

export function validationProblem(all: FieldError[]): ProblemError {
  const errors = all.slice(0, MAX_FIELD_ERRORS);
  return new ProblemError(
    400,
    'VALIDATION_FAILED',
    'Validation failed',
    errors.map((e) => `${e.field} ${e.message}`).join('; '),
    {
      errors,
    },
  );
}

/** A body's check against the schema: the 400 VALIDATION_FAILED naming each field, or undefined. */
export function bodyValidator(schema: SchemaObject): (body: unknown) => ProblemError | undefined {
  const validate: ValidateFunction = ajv.compile(schema);
  return (body) => {
    const nul = unstorableFields(body, 'body');
    if (nul.length) return validationProblem(nul);
    if (!validate(body)) return validationProblem(fieldErrors(validate.errors, 'body'));
    return undefined;
  };
}

/** Validates `req.body` against the schema; a failure is a 400 VALIDATION_FAILED naming each field. */
export function validateBody(schema: SchemaObject): RequestHandler {
  const check = bodyValidator(schema);
  return (req, _res, next) => {
    if (req.body === undefined) req.body = {};
    next(check(req.body));
  };
}

/** For query strings: values arrive as strings and are coerced to the schema's types. */
const queryAjv = withFormats(
  new Ajv({ allErrors: true, strict: true, coerceTypes: true, useDefaults: true }),
);

/** Validates `req.query` into `res.locals.query` (coerced, defaults filled); 400 naming each field. */
export function validateQuery(schema: SchemaObject): RequestHandler {
  const validate = queryAjv.compile(schema);
  return (req, res, next) => {
    const query: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(req.query)) {
      if (typeof v !== 'string')
        return next(validationProblem([{ field: `query.${k}`, message: 'must be given once' }]));
      query[k] = v;
    }
    const nul = unstorableFields(query, 'query');
    if (nul.length) return next(validationProblem(nul));
    if (!validate(query)) return next(validationProblem(fieldErrors(validate.errors, 'query')));
    res.locals.query = query;
    next();
  };
}
