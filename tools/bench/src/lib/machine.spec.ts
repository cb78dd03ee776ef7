import { describeMachine, parentPid, peakRssMiB, statusFieldMiB } from './machine';
import { parseStackEnv } from './stack';

describe('machine and process facts', () => {
  it('reads VmHWM from /proc/<pid>/status in MiB', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';
    expect(statusFieldMiB(status, 'VmHWM')).toBe(200);
    expect(statusFieldMiB(status, 'VmRSS')).toBe(100);
    expect(statusFieldMiB(status, 'VmSwap')).toBeUndefined();
  });

  it('reads the parent pid even when the command has spaces and parentheses', () => {
    expect(parentPid('4242 (node (x) y) S 17 4242 4242 0 -1')).toBe(17);
  });

  it('this process has a peak RSS and a description', () => {
    expect(peakRssMiB(process.pid)).toBeGreaterThan(0);
    expect(peakRssMiB(-1)).toBeUndefined();
    const machine = describeMachine();
    expect(machine.cores).toBeGreaterThan(0);
    expect(machine.node).toBe(process.version);
  });

  it('parses the stack’s env lines', () => {
    expect(
      parseStackEnv('export KAFKA_BROKERS=\'127.0.0.1:1\'\nexport MONGO_URL="mongodb://x/y?a=b"\nnoise\n'),
    ).toEqual({ KAFKA_BROKERS: '127.0.0.1:1', MONGO_URL: 'mongodb://x/y?a=b' });
  });
});
