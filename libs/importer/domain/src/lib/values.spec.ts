import { customFieldKey, hashFields, isEmpty, labelKey, sameValue, text } from './values';

describe('values', () => {
  it('hashes independently of key order and empty values', () => {
    expect(hashFields({ a: '1', b: 'x' })).toBe(hashFields({ b: 'x', a: '1', c: null, d: ' ' }));
    expect(hashFields({ a: '1' })).not.toBe(hashFields({ a: '2' }));
    expect(hashFields({ a: false })).not.toBe(hashFields({}));
    expect(hashFields({})).toMatch(/^[a-f0-9]{32}$/);
  });
  it('knows empty', () => {
    expect([undefined, null, '', '  '].every((v) => isEmpty(v))).toBe(true);
    expect([0, false, 'x'].some((v) => isEmpty(v))).toBe(false);
  });
  it('compares values', () => {
    expect(sameValue(null, '')).toBe(true);
    expect(sameValue('a', null)).toBe(false);
    expect(sameValue(1, 1)).toBe(true);
    expect(sameValue(1, '1')).toBe(false);
  });
  it('trims text', () => {
    expect(text('  a ')).toBe('a');
    expect(text('  ')).toBeNull();
    expect(text(undefined)).toBeNull();
  });
  it('keys labels', () => {
    expect(labelKey(' MAC  Address ')).toBe('mac address');
    expect(labelKey('mac_address')).toBe('mac address');
    expect(customFieldKey('Serial  Number')).toBe('serial_number');
  });
});
