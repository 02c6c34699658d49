import { InvalidPositionError, isPosition, toJson } from '../../src/events';
import { joinPosition, splitPosition } from '../../src/events/serialization';

describe('positions', () => {
  it('sort as strings in numeric order', () => {
    const positions = [
      [9n, 5n],
      [10n, 1n],
      [10n, 20n],
      [123456789012345678n, 3n],
    ].map(([a, b]) => joinPosition(a!, b!));
    expect([...positions].sort()).toEqual(positions);
  });

  it('round-trip and reject anything else', () => {
    expect(splitPosition(joinPosition(42n, 7n))).toEqual([42n, 7n]);
    expect(isPosition(joinPosition(1n, 2n))).toBe(true);
    for (const bad of ['', '1-2', 'x'.repeat(41), "00000000000000000001-0000000000000000000'"]) {
      expect(isPosition(bad)).toBe(false);
      expect(() => splitPosition(bad)).toThrow(InvalidPositionError);
    }
  });
});

describe('toJson', () => {
  it('writes bigint values as strings', () => {
    expect(toJson({ a: 1n, b: [2n], c: 'x' })).toBe('{"a":"1","b":["2"],"c":"x"}');
  });
});
