/**
 * The bounds every value the service sends or takes has anyway, written into the document where a
 * schema leaves them implicit (OWASP API4: clients and gateways size buffers and validate by
 * them). Only what holds for every such value is added: a UUID is 36 characters, a timestamp at
 * most 35, a position 41, a JSON integer of ours a safe integer (int64), a page at most 100 items.
 * What a schema says itself is never changed.
 */
const SAFE = Number.MAX_SAFE_INTEGER;

const FORMAT_LENGTH: Record<string, number> = {
  uuid: 36,
  'date-time': 35,
  email: 254,
  uri: 2048,
  'uri-reference': 2048,
};

/** Lists page at most this many items (every `limit` query parameter's maximum, the largest). */
const MAX_PAGE_ITEMS = 100;

/** Free text of a reply without a bound of its own: messages, details, names of fields. */
const MAX_TEXT = 5000;

type Schema = Record<string, unknown>;

function bound(schema: Schema): void {
  // A nullable value (`['integer', 'null']`) is bounded as its non-null type.
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'integer') {
    schema.format ??= 'int64';
    schema.minimum ??= -SAFE;
    schema.maximum ??= SAFE;
  } else if (type === 'string' && schema.enum === undefined && schema.const === undefined) {
    schema.maxLength ??= FORMAT_LENGTH[schema.format as string] ?? MAX_TEXT;
  } else if (type === 'array') {
    schema.maxItems ??= MAX_PAGE_ITEMS;
  }
}

/** Walks every schema of a document (components, parameters, bodies, replies, headers) and bounds it. */
export function withClientLimits<T>(document: T): T {
  const copy = structuredClone(document);
  const visit = (value: unknown, isSchema: boolean) => {
    if (Array.isArray(value)) return value.forEach((v) => visit(v, isSchema));
    if (!value || typeof value !== 'object') return;
    const node = value as Schema;
    if (isSchema && node.type !== undefined) bound(node);
    for (const [key, inner] of Object.entries(node)) {
      // Below `schema`, `schemas`, `properties`, `items` and the combinators everything is a schema.
      const schemaPlace =
        key === 'schema' ||
        key === 'items' ||
        key === 'additionalProperties' ||
        key === 'x-itemSchema' ||
        key === 'allOf' ||
        key === 'oneOf' ||
        key === 'anyOf' ||
        key === 'not';
      if (key === 'properties' || key === 'schemas')
        Object.values(inner as Schema).forEach((s) => visit(s, true));
      else visit(inner, schemaPlace || (isSchema && key === 'then'));
    }
  };
  visit(copy, false);
  return copy;
}
