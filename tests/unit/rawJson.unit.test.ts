import fc from 'fast-check';
import { jsonRowsWith } from '../../src/platform/rawJson';

describe('rows with a field of ready-made JSON', () => {
  it('is the JSON of the rows with that field parsed (and last), for any rows', () => {
    const row = fc.record({
      id: fc.string(),
      n: fc.integer(),
      state: fc.jsonValue(),
      note: fc.option(fc.string()),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), (rows) => {
        const json = jsonRowsWith(rows, 'state', (r) => JSON.stringify(r.state));
        expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(rows)));
        expect(json).toBe(JSON.stringify(rows.map(({ state, ...rest }) => ({ ...rest, state }))));
      }),
    );
  });

  it('writes a row that has only that field', () => {
    expect(jsonRowsWith([{ state: 1 }], 'state', () => '{"a":[1]}')).toBe('[{"state":{"a":[1]}}]');
    expect(jsonRowsWith([], 'state', () => '1')).toBe('[]');
  });
});
