import { backoffDelay, parseRetryAfter } from './backoff';

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

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-03T10:00:00Z');
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1_500],
    ['Thu, 03 Dec 2026 10:00:30 GMT', 30_000],
    ['Thu, 03 Dec 2026 09:00:00 GMT', 0],
  ])('%s -> %d ms', (value, ms) => expect(parseRetryAfter(value, now)).toBe(ms));
  it.each([[undefined], [null], ['soon'], ['']])('%s -> undefined', (value) =>
    expect(parseRetryAfter(value as string, now)).toBeUndefined(),
  );
});
