import { Random } from './random';

describe('Random', () => {
  it('is reproducible from its seed', () => {
    const a = new Random(42);
    const b = new Random(42);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
  });
  it('differs between seeds and stays in range', () => {
    const r = new Random('x');
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 7);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(7);
    }
    expect(new Random(1).next()).not.toBe(new Random(2).next());
  });
  it('forks independent streams', () => {
    const base = new Random(7);
    expect(base.fork('companies').next()).not.toBe(base.fork('contacts').next());
    expect(new Random(7).fork('companies').next()).toBe(new Random(7).fork('companies').next());
  });
});
