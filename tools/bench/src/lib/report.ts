import type { BenchResults, CallsResult, PhaseCalls, RateLimitedResult, ThroughputResult } from './results';
import { byRoute, huduRouteLabel, ratio, totalOf, writesOf, type RouteCount } from './stats';

/** A Markdown table; cells are escaped so a `|` in a value cannot break the layout. */
export function markdownTable(header: string[], rows: Array<Array<string | number>>): string {
  const cell = (value: string | number) => String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** Fixed decimals, or `n/a` when there is no value (a ratio to 0, an empty percentile). */
export function fixed(value: number | undefined, decimals = 2): string {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(decimals);
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

const PHASE_LABELS: Record<PhaseCalls['phase'], string> = {
  'first-import': 'first import',
  'no-change': 're-sync, nothing changed',
  'one-change': 're-sync, 1 configuration changed',
  'one-percent-changed': 're-sync, 1% of records changed',
};

const phase = (phases: PhaseCalls[], name: PhaseCalls['phase']) => phases.find((p) => p.phase === name);

/** The figures the issue targets, for one side (product or naive). */
export function callsFigures(result: CallsResult, side: 'product' | 'naive') {
  const phases = result[side];
  const first = phase(phases, 'first-import');
  const writes = (name: PhaseCalls['phase']) => {
    const p = phase(phases, name);
    return p ? writesOf(p.hudu) : undefined;
  };
  return {
    writesPerCreatedRecord: first ? ratio(writesOf(first.hudu), result.recordsCreated[side]) : undefined,
    writesOnNoChange: writes('no-change'),
    writesForOneChange: writes('one-change'),
    writesForOnePercent: writes('one-percent-changed'),
  };
}

function callsSection(result: CallsResult): string {
  const product = callsFigures(result, 'product');
  const naive = callsFigures(result, 'naive');
  const onePercent = phase(result.product, 'one-percent-changed')?.changedRecords;
  const show = (n: number | undefined) => (n === undefined ? 'n/a' : String(n));
  const rows = result.product.map((p) => {
    const n = phase(result.naive, p.phase);
    return [
      PHASE_LABELS[p.phase],
      p.changedRecords,
      totalOf(p.hudu),
      writesOf(p.hudu),
      n ? totalOf(n.hudu) : 'n/a',
      n ? writesOf(n.hudu) : 'n/a',
      totalOf(p.manage),
      n ? totalOf(n.manage) : 'n/a',
      seconds(p.durationMs),
      n ? seconds(n.durationMs) : 'n/a',
    ];
  });
  const targets = markdownTable(
    ['figure', 'target', 'cw-hudu-sync', 'naive script'],
    [
      [
        'Hudu writes per created record',
        '1.00',
        fixed(product.writesPerCreatedRecord),
        fixed(naive.writesPerCreatedRecord),
      ],
      [
        'Hudu writes on a re-sync with nothing changed',
        '0',
        show(product.writesOnNoChange),
        show(naive.writesOnNoChange),
      ],
      [
        'Hudu writes for one changed configuration',
        '1',
        show(product.writesForOneChange),
        show(naive.writesForOneChange),
      ],
      [
        `Hudu writes for ${onePercent ?? '1%'} changed records`,
        String(onePercent ?? 'n/a'),
        show(product.writesForOnePercent),
        show(naive.writesForOnePercent),
      ],
    ],
  );
  const detail = result.product
    .map((p) => {
      const n = phase(result.naive, p.phase);
      const mix = new Map<string, { product: number; naive: number }>();
      for (const r of byRoute(p.hudu))
        mix.set(`${r.method} ${huduRouteLabel(r.route)}`, { product: r.count, naive: 0 });
      for (const r of byRoute(n?.hudu ?? [])) {
        const key = `${r.method} ${huduRouteLabel(r.route)}`;
        mix.set(key, { product: mix.get(key)?.product ?? 0, naive: r.count });
      }
      const rows = [...mix.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, v.product, v.naive]);
      return `**${PHASE_LABELS[p.phase]}** — Hudu requests by route\n\n${markdownTable(['request', 'cw-hudu-sync', 'naive'], rows)}`;
    })
    .join('\n\n');
  return [
    `### Scenario 1: API calls (${result.size} dataset, ${result.recordsExpected} records expected in Hudu)`,
    '',
    targets,
    '',
    markdownTable(
      [
        'phase',
        'records changed',
        'Hudu calls',
        'Hudu writes',
        'naive Hudu calls',
        'naive Hudu writes',
        'Manage calls',
        'naive Manage calls',
        'duration',
        'naive duration',
      ],
      rows,
    ),
    '',
    `Records created by the first import: cw-hudu-sync ${result.recordsCreated.product}, naive ${result.recordsCreated.naive}. ` +
      `Hudu vs expected after the last phase: ${result.productProblems.length === 0 ? 'identical' : `${result.productProblems.length} differences (${result.productProblems.slice(0, 3).join('; ')})`}. ` +
      `Naive requests Hudu refused: ${result.naiveFailures}.`,
    '',
    detail,
  ].join('\n');
}

function rateLimitedSection(result: RateLimitedResult): string {
  return [
    `### Scenario 2: rate-limited first import (${result.size} dataset)`,
    '',
    markdownTable(
      [
        'limit',
        'Hudu calls',
        'floor (calls ÷ limit)',
        'duration',
        'ratio to floor (target ≤ 1.05)',
        '429s seen',
        'records lost (must be 0)',
        'least time under fixed windows, from the actual start',
      ],
      [
        [
          `${result.limitPerMinute}/min (window ${result.windowMs / 1000} s)`,
          result.huduCalls,
          seconds(result.floorMs),
          seconds(result.durationMs),
          fixed(result.ratioToFloor),
          result.tooManyRequests,
          `${result.recordsLost} of ${result.recordsExpected}`,
          seconds(result.fixedWindowFloorMs),
        ],
      ],
    ),
    '',
    'Hudu counts requests in fixed windows aligned to the clock, so a run of a few windows can beat `calls ÷ limit` ' +
      '(two windows’ worth pass around a boundary); the last column is the least time from the actual start. ' +
      `The integration's \`huduRequestsPerMinute\` was set to ${result.clientBudgetPerMinute} (the product keeps each key ` +
      `within it, per process). ${result.problems.length === 0 ? 'Hudu matches the expectation.' : `Differences: ${result.problems.slice(0, 5).join('; ')}`}`,
  ].join('\n');
}

function throughputSection(result: ThroughputResult): string {
  return [
    `### Scenario 3: unthrottled throughput (${result.size} dataset, ${result.records} records) and scenario 4: memory`,
    '',
    markdownTable(
      [
        'records/s (target ≥ 2,000)',
        'duration',
        'Hudu calls',
        'concurrency (max / mean)',
        'floor: same calls straight at Hudu',
        'ratio to floor (target ≤ 1.5)',
      ],
      [
        [
          fixed(result.recordsPerSecond, 0),
          seconds(result.durationMs),
          result.huduCalls,
          `${result.concurrency.max} / ${fixed(result.concurrency.mean, 1)}`,
          `${seconds(result.floor.durationMs)} at concurrency ${result.floor.concurrency} (${result.floor.calls} calls, ${result.floor.failures} failed)`,
          fixed(result.ratioToFloor),
        ],
      ],
    ),
    '',
    markdownTable(
      ['service', 'peak RSS (VmHWM, target < 300 MB)'],
      result.memory.map((m) => [
        m.service,
        m.peakRssMiB === undefined ? 'n/a' : `${m.peakRssMiB.toFixed(0)} MiB`,
      ]),
    ),
    '',
    ...(result.database && result.database.length > 0
      ? [
          'Where the database time went (the services\' `cwhs_database_command_seconds`, most expensive first):',
          '',
          markdownTable(
            ['service', 'command', 'collection', 'calls', 'total', 'mean'],
            result.database.map((d) => [
              d.service,
              d.command,
              d.collection,
              d.calls,
              `${d.seconds.toFixed(1)} s`,
              `${((d.seconds / d.calls) * 1000).toFixed(1)} ms`,
            ]),
          ),
          '',
        ]
      : []),
    result.problems.length === 0
      ? 'Hudu matches the expectation.'
      : `Differences: ${result.problems.slice(0, 5).join('; ')}`,
  ].join('\n');
}

export function markdownReport(results: BenchResults): string {
  const m = results.machine;
  const parts = [
    `## Benchmark results, ${results.startedAt}`,
    '',
    `- command: \`${results.command}\``,
    `- commit: ${results.commit}`,
    `- machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB RAM, Node ${m.node}, ${m.platform}; load average at start ${m.loadAverageAtStart.toFixed(2)}`,
    ...results.notes.map((n) => `- note: ${n}`),
    ...results.failures.map((f) => `- **did not finish**: ${f}`),
  ];
  if (results.calls) parts.push('', callsSection(results.calls));
  if (results.rateLimited) parts.push('', rateLimitedSection(results.rateLimited));
  if (results.throughput) parts.push('', throughputSection(results.throughput));
  return `${parts.join('\n')}\n`;
}

/** One line per route for the console. */
export function routeLines(rows: RouteCount[]): string[] {
  return byRoute(rows).map((r) => `${r.method.padEnd(6)} ${huduRouteLabel(r.route).padEnd(44)} ${r.count}`);
}
