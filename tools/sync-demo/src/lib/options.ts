import { parseArgs } from 'node:util';

export interface DemoOptions {
  size: 'small' | 'medium' | 'large';
  seed: string;
  keepRunning: boolean;
  policy: 'review' | 'auto-exact' | 'auto-create';
  timeoutSeconds: number;
  /** Start Jaeger (tools/jaeger), export every service's traces to it, print one journey's trace. */
  traces: boolean;
  /** The Hudu simulator's limit per key and the integration's huduRequestsPerMinute (Hudu Cloud: 300). */
  huduRequestsPerMinute: number;
}

export const USAGE = `tools/run [--size small|medium|large] [--seed N] [--keep-running] [--timeout SECONDS] [--traces]
          [--hudu-rpm N]

Runs the main job on the embedded default: the local stack, a Manage simulator seeded with the sample
dataset, a Hudu simulator with pre-existing companies and active layouts, the five services, an integration
pointing at the simulators, a full sync with the auto-exact policy, the remaining matches decided the way
an admin would (confirm the proposed company, or create a new one), and a summary.

--traces also builds (once, cached) and starts Jaeger on loopback ports, exports every service's traces to
it, and prints the Jaeger UI and the trace of one configuration's journey through the four services.

--hudu-rpm N sets the Hudu simulator's request limit per key and the integration's budget (default 300, Hudu
Cloud's limit: a first import then takes about calls ÷ 300 minutes; the medium dataset needs ~15,000 calls,
so try --size medium --hudu-rpm 6000).`;

/** About how many Hudu calls a first import of each dataset makes (docs/benchmarks.md). */
const FIRST_IMPORT_CALLS = { small: 320, medium: 15_000, large: 145_000 } as const;

export function parseOptions(argv: string[]): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string', default: 'small' },
      seed: { type: 'string', default: '1' },
      'keep-running': { type: 'boolean', default: false },
      traces: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '' },
      'hudu-rpm': { type: 'string', default: '300' },
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
  const huduRequestsPerMinute = Number(values['hudu-rpm']);
  if (
    !Number.isInteger(huduRequestsPerMinute) ||
    huduRequestsPerMinute < 1 ||
    huduRequestsPerMinute > 100_000
  )
    throw new Error('--hudu-rpm must be a whole number from 1 to 100000');
  // Enough for the first import's Hudu calls at the limit (+50 %), never less than the size's own default.
  const budgetSeconds = Math.ceil((FIRST_IMPORT_CALLS[size] / huduRequestsPerMinute) * 60 * 1.5);
  const defaultTimeout = Math.max({ small: 180, medium: 1_800, large: 7_200 }[size], budgetSeconds);
  const timeoutSeconds = values.timeout ? Number(values.timeout) : defaultTimeout;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new Error('--timeout must be a positive number');
  return {
    size,
    huduRequestsPerMinute,
    seed: values.seed,
    keepRunning: values['keep-running'],
    traces: values.traces,
    policy: 'auto-exact',
    timeoutSeconds,
  };
}
