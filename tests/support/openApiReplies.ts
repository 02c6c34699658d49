import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, DocumentedResponse> }>>;
  components: { schemas: Record<string, object> };
}

interface DocumentedResponse {
  content?: Record<string, { schema?: object; 'x-itemSchema'?: object }>;
}

/** The schema with every `$ref` to a component replaced by the component (the schemas have no cycles). */
function resolve(value: unknown, doc: OpenApiDocument): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, doc));
  if (!value || typeof value !== 'object') return value;
  const ref = (value as { $ref?: string }).$ref;
  if (ref) return resolve(doc.components.schemas[ref.replace('#/components/schemas/', '')], doc);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== 'discriminator') // an OpenAPI keyword, not JSON Schema
      .map(([k, v]) => [k, resolve(v, doc)]),
  );
}

/**
 * Checks a real reply against what the document says of that operation and status: documented
 * at all, its content type, and every JSON body (each line of NDJSON) valid against its schema.
 * Throws with the reason when it is not.
 */
export function replyChecker(doc: OpenApiDocument) {
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  const compiled = new Map<object, ValidateFunction>();
  return (
    method: string,
    documentedPath: string,
    status: number,
    contentTypeHeader: string | null,
    text: string,
  ) => {
    const documented = doc.paths[documentedPath]?.[method.toLowerCase()]?.responses[String(status)];
    if (!documented)
      throw new Error(`${method} ${documentedPath} answered ${status}, which is not documented`);
    const types = Object.entries(documented.content ?? {});
    if (types.length === 0) return;
    const [contentType, media] = types.find(([type]) => contentTypeHeader?.includes(type)) ?? [];
    if (!contentType || !media)
      throw new Error(
        `${method} ${documentedPath}: content type ${contentTypeHeader}, documented ${types.map(([t]) => t).join(' or ')}`,
      );
    if (!contentType.includes('json')) return;
    const schema = media['x-itemSchema'] ?? media.schema ?? {};
    let validate = compiled.get(schema);
    if (!validate) compiled.set(schema, (validate = ajv.compile(resolve(schema, doc) as object)));
    const bodies = media['x-itemSchema']
      ? text
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as unknown)
      : [JSON.parse(text) as unknown];
    for (const body of bodies)
      if (!validate(body))
        throw new Error(
          `${method} ${documentedPath} ${status}: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 500)}`,
        );
  };
}
