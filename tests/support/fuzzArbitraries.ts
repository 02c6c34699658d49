import fc from 'fast-check';

/** Numbers at and past every edge a JSON number has. */
export const edgeNumbers = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1e-7,
  99,
  100,
  8,
  7,
  3600,
  3601,
  2 ** 31,
  -(2 ** 31),
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
];

/** Strings that have broken parsers and queries before. */
export const edgeStrings = [
  '',
  ' ',
  '\u0000',
  "'; DROP TABLE events; --",
  '" OR ""="',
  '%27%20OR%201=1',
  '../../etc/passwd',
  '\u202e\u200b',
  '🏺'.repeat(100),
  'a'.repeat(300),
  'x'.repeat(70_000),
  '2026-13-45T25:61:61Z',
  '1970-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  'NaN',
  'Infinity',
  '-1',
  '1e400',
  '00000000000000000001-00000000000000000001',
  '00000000-0000-0000-0000-000000000000',
  '{"$ne":null}',
  '__proto__',
  'constructor',
  '\ud800',
  'bad \ud800 x',
  '\udfff\ud800',
  '\udc00',
  'a\u0000b',
];

/** Storable strings that are hostile all the same: astral, bidi, zero-width, markup, SQL, escapes. */
const storableEdges = [
  '🏺𝄞',
  '\u202e\u200b\u2066',
  'e\u0301\u0301\u0301',
  '<script>alert(1)</script>',
  "'; DROP TABLE events; --",
  '\\u0000 \\ud800',
  '\uFFFD\uFEFF',
  '%00',
  '\t\r\n',
  '__proto__',
];

/** Well-formed Unicode without NUL of the given length, often hostile: what the write side must take. */
export function storableHostileString(minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ minLength, maxLength: Math.min(maxLength, 80), unit: 'binary' }),
    fc
      .array(fc.constantFrom(...storableEdges), { minLength: 1, maxLength: 4 })
      .map((parts) => parts.join(' ').slice(0, maxLength))
      .filter((text) => text.length >= minLength),
  );
}

/** A string the write side must refuse: somewhere in it a lone surrogate or a NUL. */
export function hostileString(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const bad = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '\u0000', '\udc00\ud800');
  const part = fc.string({ maxLength: Math.max(0, Math.min(20, (maxLength - 2) >> 1)), unit: 'binary' });
  return fc
    .tuple(part, bad, part)
    .map((p) => p.join(''))
    .filter((text) => text.length >= minLength && text.length <= maxLength);
}

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: readonly string[];
  enum?: readonly unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  pattern?: string;
};

const anyJson = fc.jsonValue({ maxDepth: 3 });

/**
 * A value for a JSON schema: mostly one the schema allows (so requests get past validation into
 * the logic), sometimes one at its boundaries, now and then one of the wrong type entirely.
 */
export function valueFor(schema: Schema, now: number): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(anyJson, fc.constantFrom(...edgeNumbers), fc.constantFrom(...edgeStrings));
  const mostly = (valid: fc.Arbitrary<unknown>, edges: readonly unknown[] = []) =>
    fc.oneof(
      { weight: 20, arbitrary: valid },
      { weight: edges.length ? 3 : 0, arbitrary: fc.constantFrom(...edges, null) },
      { weight: 1, arbitrary: wrong },
    );
  if (schema.const !== undefined) return mostly(fc.constant(schema.const));
  if (schema.enum) return mostly(fc.constantFrom(...schema.enum));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'integer') {
    const min = schema.minimum ?? -1e6;
    const max = Math.min(schema.maximum ?? 1e6, min + 1e6);
    const edges = [min - 1, min, max, max + 1, schema.maximum ?? 0, (schema.maximum ?? 0) + 1];
    return mostly(fc.integer({ min: Math.ceil(min), max: Math.floor(max) }), [...edges, ...edgeNumbers]);
  }
  if (type === 'string') {
    if (schema.format === 'date-time') {
      const time = fc
        .integer({ min: -3600, max: 91 * 86_400 })
        .map((s) => new Date(now + s * 1000).toISOString());
      return mostly(time, edgeStrings);
    }
    if (schema.format === 'email') return mostly(fc.emailAddress(), edgeStrings);
    if (schema.pattern === '^[A-Z]{3}$') return mostly(fc.constantFrom('EUR', 'USD', 'JPY', 'XXX', 'ABC'));
    const maxLength = schema.maxLength ?? 100;
    const minLength = schema.minLength ?? 0;
    const text = fc.oneof(
      { weight: 4, arbitrary: storableHostileString(minLength, Math.min(maxLength, 60)) },
      { weight: 1, arbitrary: hostileString(Math.max(minLength, 1), Math.min(maxLength, 60)) },
    );
    return mostly(text, [...edgeStrings, 'y'.repeat(maxLength), 'y'.repeat(maxLength + 1)]);
  }
  if (type === 'object') {
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, sub] of Object.entries(schema.properties ?? {})) record[name] = valueFor(sub, now);
    const object = fc.record(record, { requiredKeys: [...(schema.required ?? [])] as never[] });
    const withExtra = fc
      .tuple(object, fc.string(), anyJson)
      .map(([o, k, v]) => ({ ...(o as object), [k]: v }));
    return fc.oneof(
      { weight: 20, arbitrary: object },
      { weight: 2, arbitrary: withExtra },
      { weight: 1, arbitrary: wrong },
    );
  }
  return wrong;
}

/**
 * encodeURIComponent for any string: a lone surrogate (which encodeURIComponent refuses) goes as
 * its three WTF-8 bytes, as a hostile client would send it; the server must answer that too.
 */
export function encodeAnyURIComponent(text: string): string {
  if (text.isWellFormed()) return encodeURIComponent(text);
  // Whole code points (pairs included) through encodeURIComponent; a lone surrogate by hand.
  return Array.from(text, (point) => {
    if (point.isWellFormed()) return encodeURIComponent(point);
    const code = point.charCodeAt(0);
    return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
      .map((b) => `%${b.toString(16).toUpperCase()}`)
      .join('');
  }).join('');
}
