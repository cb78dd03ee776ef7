import { latencies, percentile, summarise } from './stats';

describe('percentile (nearest rank)', () => {
  it('picks the nearest-rank sample, whatever the input order', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 95)).toBe(95);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile(samples, 0)).toBe(1);
  });

  it('handles one sample and none', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('summarise and latencies', () => {
  it('summarises complete measurements and names the missing ones', () => {
    const { samples, missing } = latencies([
      { marker: 'a', firedAt: 1000, observedAt: 1200 },
      { marker: 'b', firedAt: 1000 },
      { marker: 'c', observedAt: 5 },
      { marker: 'd', firedAt: 2000, observedAt: 2100 },
    ]);
    expect(samples).toEqual([200, 100]);
    expect(missing).toEqual(['b', 'c']);
    expect(summarise(samples)).toEqual({
      count: 2,
      p50: 100,
      p95: 200,
      p99: 200,
      min: 100,
      max: 200,
      mean: 150,
    });
    expect(summarise([])).toEqual({ count: 0 });
  });
});
