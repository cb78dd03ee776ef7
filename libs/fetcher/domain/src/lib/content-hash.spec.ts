import { canonicalJson, contentHash } from './content-hash';

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined members and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson([2, 1, undefined])).toBe('[2,1,null]');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('x')).toBe('"x"');
  });
});

describe('contentHash', () => {
  const snapshot = { id: 1, name: 'Acme', typeNames: ['Customer'], lastUpdated: '2024-01-01T00:00:00Z' };

  it('is lowercase sha256 hex', () => {
    expect(contentHash(snapshot)).toMatch(/^[a-f0-9]{64}$/);
  });

  it('does not depend on key order or on undefined members', () => {
    expect(contentHash({ typeNames: ['Customer'], name: 'Acme', id: 1, city: undefined })).toBe(
      contentHash({ id: 1, name: 'Acme', typeNames: ['Customer'] }),
    );
  });

  it('ignores volatile fields (lastUpdated)', () => {
    expect(contentHash({ ...snapshot, lastUpdated: '2025-05-05T05:05:05Z' })).toBe(contentHash(snapshot));
    const { lastUpdated: _dropped, ...without } = snapshot;
    expect(contentHash(without)).toBe(contentHash(snapshot));
  });

  it('changes with any content change, nested or in array order', () => {
    const base = contentHash(snapshot);
    expect(contentHash({ ...snapshot, name: 'Acme ' })).not.toBe(base);
    expect(contentHash({ ...snapshot, typeNames: ['Customer', 'Prospect'] })).not.toBe(base);
    expect(contentHash({ ...snapshot, inactive: false })).not.toBe(base);
    expect(contentHash({ a: ['x', 'y'] })).not.toBe(contentHash({ a: ['y', 'x'] }));
  });

  it('tells a number from its string form', () => {
    expect(contentHash({ zip: 33602 })).not.toBe(contentHash({ zip: '33602' }));
  });
});
