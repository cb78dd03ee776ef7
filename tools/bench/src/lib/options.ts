import { parseArgs } from 'node:util';

export const SCENARIOS = ['calls', 'rate-limited', 'throughput', 'all'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
type Size = 'small' | 'medium' | 'large';

export interface BenchOptions {
  scenario: ScenarioName;
  /** Dataset per scenario (`--size` sets all three; the specific flags win). */
  sizes: { calls: Size; rateLimited: Size; throughput: Size };
  seed: string;
  /** Hudu simulator's limit for scenario 2, requests per window, and the window. */
  limit: number;
  windowMs: number;
  /** Where results go (JSON and Markdown per run, plus latest.*). */
  out: string;
  timeoutSeconds: number;
  /** A folder holding dist/ bundles to run instead of a fresh snapshot of the workspace's dist/. */
  bundles?: string;
  /** Free text recorded with the results (for example: "shared CPU: other engineers' tests running"). */
  notes: string[];
}

export const USAGE = `node dist/tools/bench/main.js --scenario calls|rate-limited|throughput|all [options]
  (or: npx nx run bench:calls | bench:rate-limited | bench:throughput | bench:all)

  --size small|medium|large    dataset of every scenario (defaults: calls medium, rate-limited medium,
                               throughput medium — what finishes within about 10 minutes today)
  --calls-size, --rate-limited-size, --throughput-size   the dataset of one scenario
  --limit N                    Hudu simulator's requests per window in scenario 2 (default 1200)
  --window-ms N                its window (default 60000, Hudu's minute)
  --seed S                     dataset seed (default 1)
  --out DIR                    results folder (default tools/bench/results)
  --timeout SECONDS            give up waiting after this long per scenario (default 3600)
  --note TEXT                  recorded with the results (repeatable)
  --bundles DIR                run DIR/dist/{apps,tools}/* instead of a snapshot of dist/ (an earlier
                               run's tmp/bench/<time>, to measure the same build again)

Uses KAFKA_BROKERS and MONGO_URL when both are set; otherwise starts a private instance of the local
stack (own run directory and ports) and stops it at the end. Needs the services and simulators built
(npx nx run-many -t build).`;

const asSize = (value: string | undefined, flag: string, fallback: Size): Size => {
  if (value === undefined || value === '') return fallback;
  if (value === 'small' || value === 'medium' || value === 'large') return value;
  throw new Error(`${flag} must be small, medium or large (got "${value}")`);
};

const positive = (value: string, flag: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer (got "${value}")`);
  return n;
};

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', default: 'all' },
      size: { type: 'string' },
      'calls-size': { type: 'string' },
      'rate-limited-size': { type: 'string' },
      'throughput-size': { type: 'string' },
      seed: { type: 'string', default: '1' },
      limit: { type: 'string', default: '1200' },
      'window-ms': { type: 'string', default: '60000' },
      out: { type: 'string', default: 'tools/bench/results' },
      timeout: { type: 'string', default: '3600' },
      note: { type: 'string', multiple: true, default: [] },
      bundles: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const scenario = values.scenario === 'memory' ? 'throughput' : values.scenario;
  if (!(SCENARIOS as readonly string[]).includes(scenario)) {
    throw new Error(`--scenario must be one of ${SCENARIOS.join(', ')} (got "${scenario}")`);
  }
  if (!/^[A-Za-z0-9-]{1,40}$/.test(values.seed)) throw new Error('--seed must be letters, digits or "-"');
  const all = asSize(values.size, '--size', 'medium');
  return {
    scenario: scenario as ScenarioName,
    sizes: {
      calls: asSize(values['calls-size'], '--calls-size', all),
      rateLimited: asSize(values['rate-limited-size'], '--rate-limited-size', all),
      throughput: asSize(values['throughput-size'], '--throughput-size', all),
    },
    seed: values.seed,
    limit: positive(values.limit, '--limit'),
    windowMs: positive(values['window-ms'], '--window-ms'),
    out: values.out,
    timeoutSeconds: positive(values.timeout, '--timeout'),
    notes: values.note,
    ...(values.bundles ? { bundles: values.bundles } : {}),
  };
}
