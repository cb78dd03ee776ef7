import { reasonOf } from './failures';

describe('reasonOf', () => {
  it('is one line, bounded, without control characters', () => {
    const reason = reasonOf(new Error(`bad\nthing\u0000${'x'.repeat(2_000)}`));
    expect(reason.includes('\n') || reason.includes(String.fromCharCode(0))).toBe(false);
    expect(reason.startsWith('Error: bad thing?')).toBe(true);
    expect(reason.length).toBeLessThanOrEqual(901);
  });
  it('describes non-errors', () => {
    expect(reasonOf('plain')).toBe('plain');
    expect(reasonOf({ code: 1 })).toBe('{"code":1}');
  });
});
