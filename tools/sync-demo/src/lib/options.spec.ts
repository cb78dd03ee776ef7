import { parseOptions } from './options';

describe('parseOptions', () => {
  it('defaults to the small dataset and the auto-exact policy', () => {
    expect(parseOptions([])).toEqual({
      size: 'small',
      seed: '1',
      keepRunning: false,
      policy: 'auto-exact',
      timeoutSeconds: 180,
      traces: false,
      huduRequestsPerMinute: 300,
    });
  });
  it('--hudu-rpm sets the Hudu limit and budget; the default timeout leaves time for the calls', () => {
    expect(parseOptions(['--size', 'medium'])).toMatchObject({
      huduRequestsPerMinute: 300,
      timeoutSeconds: 4_500,
    });
    expect(parseOptions(['--size', 'medium', '--hudu-rpm', '6000'])).toMatchObject({
      huduRequestsPerMinute: 6_000,
      timeoutSeconds: 1_800,
    });
  });
  it('--traces asks for Jaeger and the journey trace', () => {
    expect(parseOptions(['--traces'])).toMatchObject({ traces: true });
  });
  it('takes a size, a seed and a timeout', () => {
    expect(parseOptions(['--size', 'medium', '--seed', '7', '--timeout', '60'])).toMatchObject({
      size: 'medium',
      seed: '7',
      timeoutSeconds: 60,
    });
  });
  it.each([
    [['--size', 'huge'], '--size must be'],
    [['--seed', '../x'], '--seed must be'],
    [['--timeout=-1'], '--timeout must be'],
    [['--timeout', 'soon'], '--timeout must be'],
    [['--bogus'], 'Unknown option'],
    [['--hudu-rpm', '0'], '--hudu-rpm must be'],
    [['--hudu-rpm', '2.5'], '--hudu-rpm must be'],
  ])('rejects %j clearly', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(message);
  });
});
