import { parseOptions } from './options';

describe('options', () => {
  it('defaults: every scenario on the medium dataset, 1,200 requests a minute', () => {
    expect(parseOptions([])).toMatchObject({
      scenario: 'all',
      sizes: { calls: 'medium', rateLimited: 'medium', throughput: 'medium' },
      limit: 1200,
      windowMs: 60_000,
      seed: '1',
      notes: [],
    });
  });

  it('one size for all, a specific one wins; memory is the throughput scenario', () => {
    expect(
      parseOptions([
        '--scenario',
        'memory',
        '--size',
        'small',
        '--throughput-size',
        'large',
        '--note',
        'a',
        '--note',
        'b',
      ]),
    ).toMatchObject({
      scenario: 'throughput',
      sizes: { calls: 'small', rateLimited: 'small', throughput: 'large' },
      notes: ['a', 'b'],
    });
  });

  it('refuses what it cannot run, naming the flag', () => {
    expect(() => parseOptions(['--scenario', 'fast'])).toThrow('--scenario');
    expect(() => parseOptions(['--size', 'huge'])).toThrow('--size');
    expect(() => parseOptions(['--limit', '0'])).toThrow('--limit');
    expect(() => parseOptions(['--seed', 'a b'])).toThrow('--seed');
    expect(parseOptions(['--help'])).toBe('help');
  });
});
