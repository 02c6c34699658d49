import fc from 'fast-check';
import { v5 as uuidv5 } from 'uuid';
import { nameUuids } from '../../src/platform/nameUuid';

describe('name-based UUIDs', () => {
  // Stored ids (notifications, keyed auctions) were made by the uuid package: the same name must
  // keep giving the same id.
  it('are the uuid package’s v5 ids, for any name under any namespace', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.string({ unit: 'grapheme', maxLength: 80 }), (namespace, name) => {
        expect(nameUuids(namespace)(name)).toBe(uuidv5(name, namespace));
      }),
      { numRuns: 2000 },
    );
    const notification = nameUuids('2f6c3a1e-7a51-4d0b-9a0f-6d1b8c7e5a42');
    const name = '0190f3c2-1111-7aaa-8bbb-123456789abc/outbid/0190f3c2-2222-7aaa-8bbb-123456789abc';
    expect(notification(name)).toBe(uuidv5(name, '2f6c3a1e-7a51-4d0b-9a0f-6d1b8c7e5a42'));
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => nameUuids('not-a-uuid')).toThrow(TypeError);
  });
});
