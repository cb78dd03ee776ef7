import { backoffDelay, reasonOf } from './failures';

describe('backoffDelay', () => {
  const settings = { initialMs: 100, maxMs: 1_000 };
  it('grows exponentially within [ceiling/2, ceiling]', () => {
    expect(backoffDelay(1, settings, undefined, () => 0)).toBe(50);
    expect(backoffDelay(1, settings, undefined, () => 1)).toBe(100);
    expect(backoffDelay(3, settings, undefined, () => 1)).toBe(400);
  });
  it('is capped at maxMs', () => {
    expect(backoffDelay(20, settings, undefined, () => 1)).toBe(1_000);
  });
  it('never waits less than a Retry-After hint', () => {
    expect(backoffDelay(1, settings, 5_000, () => 1)).toBe(5_000);
  });
});

describe('reasonOf', () => {
  it('is one line, bounded, without control characters', () => {
    const reason = reasonOf(new Error(`bad\nthing\u0000${'x'.repeat(2_000)}`));
    expect(reason).not.toMatch(/[\n\u0000]/);
    expect(reason.startsWith('Error: bad thing?')).toBe(true);
    expect(reason.length).toBeLessThanOrEqual(901);
  });
  it('describes non-errors', () => {
    expect(reasonOf('plain')).toBe('plain');
    expect(reasonOf({ code: 1 })).toBe('{"code":1}');
  });
});
