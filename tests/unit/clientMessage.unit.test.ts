/** WebSocket client messages take the one definition of JSON input every transport shares. */
import { parseClientMessage } from '../../src/realtime/protocol';

const A = '0190e0a0-0000-7000-8000-000000000001';

describe('a WebSocket client message', () => {
  it('is parsed when it is a valid subscribe', () => {
    expect(parseClientMessage(JSON.stringify({ type: 'subscribe', auctionId: A }))).toEqual({
      ok: true,
      message: { type: 'subscribe', auctionId: A },
    });
  });
  it.each([
    [
      'nested deeper than 32 levels',
      `{"type":"ping","x":${'['.repeat(40)}${']'.repeat(40)}}`,
      /nested deeper than 32/,
    ],
    [
      'with a member name twice',
      `{"type":"subscribe","auctionId":"${A}","auctionId":"${A}"}`,
      /auctionId is given twice/,
    ],
    [
      'with a lone surrogate',
      '{"type":"subscribe","channel":"me","after":"\\ud800"}',
      /message\.after must be well-formed/,
    ],
    ['with NUL in a member name', '{"type":"ping","a\\u0000":1}', /well-formed Unicode without NUL/],
  ])('is refused %s, naming what is wrong, and never throws', (_name, text, message) => {
    expect(parseClientMessage(text)).toEqual({
      ok: false,
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(message),
    });
  });
  it('2,000 levels deep is refused, not a stack overflow', () => {
    const deep = `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`;
    expect(parseClientMessage(deep)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });
});
