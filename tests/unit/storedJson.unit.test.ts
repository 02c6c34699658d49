/** Stored JSON text parsed with every string made storable, walking only a text that may need it. */
import { parseStoredJson } from '../../src/platform';

describe('parseStoredJson', () => {
  it('parses a text without an unstorable escape as it is', () => {
    const text = JSON.stringify({ title: 'Vase 🏺 \\u0000 written out', n: [1, { a: 'é' }] });
    expect(parseStoredJson(text)).toEqual(JSON.parse(text));
  });

  it.each([
    ['a lone high surrogate', '{"t":"bad \\ud800 x"}', { t: 'bad \uFFFD x' }],
    ['a lone low surrogate, in capitals', '{"t":"\\uDFFF"}', { t: '\uFFFD' }],
    ['a NUL in a key and a value', '{"k\\u0000":["n\\u0000"]}', { 'k\uFFFD': ['n\uFFFD'] }],
    ['a pair written as escapes (whole: kept)', '{"t":"\\ud83c\\udffa"}', { t: '🏺' }],
    ['an escaped backslash before u0000 (text, kept)', '{"t":"\\\\u0000"}', { t: '\\u0000' }],
  ])('%s', (_name, text, expected) => {
    expect(parseStoredJson(text)).toEqual(expected);
  });
});
