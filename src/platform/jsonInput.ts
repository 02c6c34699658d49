/**
 * The one definition of JSON input the service accepts, for every transport (express, the fast
 * lanes, WebSocket messages): an object, nested at most MAX_JSON_DEPTH levels, no member name
 * twice in one object, and every string (member names included) well-formed Unicode without NUL.
 * Whatever passes here can be stored in jsonb and text columns and in Redis, so every projection
 * can apply what a command built from it.
 */
import type { FieldError } from './validation';

export const MAX_JSON_DEPTH = 32;

/** Why a JSON text is refused although it parses: the field it names and what is wrong. */
export type JsonShapeError = FieldError;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

const memberPath = (path: string[], root: string) => [root, ...path].join('.');

/**
 * Checks the nesting and the member names of a text JSON.parse accepted. JSON.parse keeps the last
 * of two equal names; parsers that disagree with each other are an attack surface, so refuse.
 * One pass over the characters; a set of names only for an object with more than one member.
 */
export function jsonShapeError(text: string, root = 'body'): JsonShapeError | undefined {
  // Per open container: the member names seen (objects) or null (arrays).
  const names: (Set<string> | null)[] = [];
  const path: string[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = i + 1;
      let escaped = false;
      for (; end < text.length; end++) {
        const d = text.charCodeAt(end);
        if (d === BACKSLASH) {
          escaped = true;
          end++;
        } else if (d === QUOTE) break;
      }
      if (expectName) {
        const name = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        const seen = names[names.length - 1]!;
        if (seen.has(name))
          return { field: memberPath([...path.slice(0, -1), name], root), message: 'is given twice' };
        seen.add(name);
        path[path.length - 1] = name;
        expectName = false;
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (names.length === MAX_JSON_DEPTH)
        return { field: memberPath(path, root), message: `is nested deeper than ${MAX_JSON_DEPTH} levels` };
      names.push(c === OPEN_OBJECT ? new Set() : null);
      path.push(c === OPEN_OBJECT ? '' : '[]');
      expectName = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      names.pop();
      path.pop();
      expectName = false;
    } else if (c === COMMA) {
      expectName = names[names.length - 1] != null;
    }
  }
  return undefined;
}

/** NUL or a lone surrogate: what PostgreSQL's jsonb and text refuse, and UTF-8 cannot carry. */
export function isStorableString(value: string): boolean {
  return value.isWellFormed() && !value.includes('\u0000');
}

const NOT_STORABLE = 'must be well-formed Unicode without NUL characters';

/**
 * Strings (values and member names) that are not storable, each named by its path. Walks without
 * recursion, and no deeper than MAX_JSON_DEPTH (deeper input is refused before this runs).
 */
export function unstorableFields(value: unknown, root: string): FieldError[] {
  const errors: FieldError[] = [];
  const pending: Array<[unknown, string, number]> = [[value, root, 0]];
  while (pending.length) {
    const [item, path, depth] = pending.pop()!;
    if (typeof item === 'string') {
      if (!isStorableString(item)) errors.push({ field: path, message: NOT_STORABLE });
    } else if (item !== null && typeof item === 'object' && depth <= MAX_JSON_DEPTH) {
      for (const key of Object.keys(item)) {
        const inner = `${path}.${isStorableString(key) ? key : key.toWellFormed().replace(/\0/g, '\uFFFD')}`;
        if (!isStorableString(key)) errors.push({ field: inner, message: NOT_STORABLE });
        pending.push([(item as Record<string, unknown>)[key], inner, depth + 1]);
      }
    }
  }
  return errors;
}

/** A string made storable: each lone surrogate and NUL becomes U+FFFD, the replacement character. */
export const storableString = (value: string): string =>
  isStorableString(value) ? value : value.toWellFormed().replace(/\0/g, '\uFFFD');

/** In stored JSON text a lone surrogate or a NUL can only be a \u escape: what this does not find, no string of it holds. */
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f])/i;

/**
 * JSON text as stored, parsed, with every string made storable: the text is searched once for an
 * escape that may be one (a native scan), and only a text with one is walked (storableJson).
 */
export function parseStoredJson<T>(text: string): T {
  const value = JSON.parse(text) as T;
  return UNSTORABLE_ESCAPE.test(text) ? storableJson(value) : value;
}

/**
 * A value with every string made storable: the same object when nothing needs it (no copy on the
 * read path of a log that never held such a string), else a copy. For events written before the
 * write side refused them.
 */
export function storableJson<T>(value: T): T {
  if (typeof value === 'string') return storableString(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const fixed = storableJson(item);
      if (fixed !== item) (copy ??= [...value])[i] = fixed;
    });
    return (copy ?? value) as T;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const fixedKey = storableString(key);
    const fixed = storableJson(item);
    if (fixed === item && fixedKey === key) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    if (fixedKey !== key) delete copy[key];
    copy[fixedKey] = fixed;
  }
  return (copy ?? value) as T;
}
