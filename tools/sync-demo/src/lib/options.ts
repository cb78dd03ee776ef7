import { parseArgs } from 'node:util';

export interface DemoOptions {
  size: 'small' | 'medium' | 'large';
  seed: string;
  keepRunning: boolean;
  policy: 'review' | 'auto-exact' | 'auto-create';
  timeoutSeconds: number;
  /** Start Jaeger (tools/jaeger), export every service's traces to it, print one journey's trace. */
  traces: boolean;
}

export const USAGE = `tools/run [--size small|medium|large] [--seed N] [--keep-running] [--timeout SECONDS] [--traces]

Runs the main job on the embedded default: the local stack, a Manage simulator seeded with the sample
dataset, a Hudu simulator with pre-existing companies and active layouts, the five services, an integration
pointing at the simulators, a full sync with the auto-exact policy, the remaining matches decided the way
an admin would (confirm the proposed company, or create a new one), and a summary.

--traces also builds (once, cached) and starts Jaeger on loopback ports, exports every service's traces to
it, and prints the Jaeger UI and the trace of one configuration's journey through the four services.`;

export function parseOptions(argv: string[]): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string', default: 'small' },
      seed: { type: 'string', default: '1' },
      'keep-running': { type: 'boolean', default: false },
      traces: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const size = values.size;
  if (size !== 'small' && size !== 'medium' && size !== 'large') {
    throw new Error(`--size must be small, medium or large (got "${size}")`);
  }
  if (!/^[A-Za-z0-9-]{1,40}$/.test(values.seed)) throw new Error('--seed must be letters, digits or "-"');
  const defaultTimeout = { small: 180, medium: 1_800, large: 7_200 }[size];
  const timeoutSeconds = values.timeout ? Number(values.timeout) : defaultTimeout;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new Error('--timeout must be a positive number');
  return {
    size,
    seed: values.seed,
    keepRunning: values['keep-running'],
    traces: values.traces,
    policy: 'auto-exact',
    timeoutSeconds,
  };
}
