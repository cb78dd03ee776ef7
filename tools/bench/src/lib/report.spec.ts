import { callsFigures, fixed, markdownReport, markdownTable, seconds } from './report';
import type { BenchResults, CallsResult } from './results';

const r = (method: string, route: string, count: number, status = '200') => ({
  method,
  route,
  status,
  count,
});

const calls: CallsResult = {
  size: 'small',
  recordsExpected: 100,
  recordsCreated: { product: 90, naive: 95 },
  product: [
    {
      phase: 'first-import',
      changedRecords: 0,
      durationMs: 12_300,
      hudu: [
        r('GET', '/api/v1/companies', 3),
        r('POST', '/api/v1/companies', 10),
        r('POST', '/api/v1/companies/:company_id/assets', 80),
      ],
      manage: [r('GET', '/company/companies', 2)],
    },
    {
      phase: 'no-change',
      changedRecords: 0,
      durationMs: 2_000,
      hudu: [r('GET', '/api/v1/companies', 1)],
      manage: [],
    },
    {
      phase: 'one-change',
      changedRecords: 1,
      durationMs: 2_000,
      hudu: [r('PUT', '/api/v1/companies/:company_id/assets/:id', 1)],
      manage: [],
    },
  ],
  naive: [
    {
      phase: 'first-import',
      changedRecords: 0,
      durationMs: 5_000,
      hudu: [
        r('GET', '/api/v1/companies', 10),
        r('POST', '/api/v1/companies', 10),
        r('POST', '/api/v1/companies/:company_id/assets', 85),
      ],
      manage: [r('GET', '/company/companies', 1)],
    },
    {
      phase: 'no-change',
      changedRecords: 0,
      durationMs: 5_000,
      hudu: [r('PUT', '/api/v1/companies/:id', 10), r('PUT', '/api/v1/companies/:company_id/assets/:id', 85)],
      manage: [],
    },
  ],
  productProblems: [],
  naiveFailures: 0,
};

const results: BenchResults = {
  startedAt: '2026-12-03T19:00:00.000Z',
  finishedAt: '2026-12-03T19:10:00.000Z',
  command: 'node dist/tools/bench/main.js --scenario calls',
  commit: 'abc123',
  machine: {
    cpu: 'Test CPU',
    cores: 2,
    memoryGiB: 7.7,
    node: 'v24.0.0',
    platform: 'Linux',
    loadAverageAtStart: 1.5,
  },
  notes: ['shared CPU'],
  failures: [],
  calls,
  rateLimited: {
    size: 'small',
    limitPerMinute: 1200,
    windowMs: 60_000,
    clientBudgetPerMinute: 300,
    durationMs: 63_000,
    huduCalls: 1200,
    tooManyRequests: 0,
    floorMs: 60_000,
    ratioToFloor: 1.05,
    fixedWindowFloorMs: 45_000,
    recordsExpected: 280,
    recordsLost: 0,
    problems: [],
    hudu: [],
  },
  throughput: {
    size: 'small',
    records: 280,
    durationMs: 10_000,
    recordsPerSecond: 28,
    huduCalls: 300,
    concurrency: { max: 4, mean: 1.5 },
    floor: { concurrency: 4, calls: 300, durationMs: 2_000, failures: 0 },
    ratioToFloor: 5,
    problems: [],
    memory: [{ service: 'importer', peakRssMiB: 150.4 }, { service: 'link' }],
    hudu: [],
  },
};

describe('formatting', () => {
  it('Markdown tables escape pipes and line breaks', () => {
    expect(
      markdownTable(
        ['a', 'b'],
        [
          ['x|y', 1],
          ['two\nlines', 2],
        ],
      ),
    ).toBe('| a | b |\n| --- | --- |\n| x\\|y | 1 |\n| two lines | 2 |');
  });

  it('numbers: fixed decimals or n/a, seconds', () => {
    expect(fixed(1.005, 2)).toBe('1.00');
    expect(fixed(1.25, 1)).toBe('1.3');
    expect(fixed(undefined)).toBe('n/a');
    expect(fixed(Infinity)).toBe('n/a');
    expect(seconds(61_250)).toBe('61.3 s');
  });
});

describe('the calls figures', () => {
  it('writes per created record, on no change, for one change; n/a for a phase not run', () => {
    expect(callsFigures(calls, 'product')).toEqual({
      writesPerCreatedRecord: 1,
      writesOnNoChange: 0,
      writesForOneChange: 1,
      writesForOnePercent: undefined,
    });
    expect(callsFigures(calls, 'naive')).toEqual({
      writesPerCreatedRecord: 1,
      writesOnNoChange: 95,
      writesForOneChange: undefined,
      writesForOnePercent: undefined,
    });
  });
});

describe('the report', () => {
  const markdown = markdownReport(results);

  it('names the machine, the commit, the command and the notes', () => {
    expect(markdown).toContain('Test CPU, 2 cores, 7.7 GiB RAM, Node v24.0.0');
    expect(markdown).toContain('commit: abc123');
    expect(markdown).toContain('`node dist/tools/bench/main.js --scenario calls`');
    expect(markdown).toContain('note: shared CPU');
  });

  it('names a scenario that did not finish', () => {
    expect(markdownReport({ ...results, failures: ['throughput: timed out'] })).toContain(
      '- **did not finish**: throughput: timed out',
    );
    expect(markdown).not.toContain('did not finish');
  });

  it('puts the product and the naive script side by side, per phase and per route', () => {
    expect(markdown).toContain('| Hudu writes per created record | 1.00 | 1.00 | 1.00 |');
    expect(markdown).toContain('| Hudu writes on a re-sync with nothing changed | 0 | 0 | 95 |');
    expect(markdown).toContain('| re-sync, nothing changed | 0 | 1 | 0 | 95 | 95 | 0 | 0 | 2.0 s | 5.0 s |');
    expect(markdown).toContain('| PUT /companies/:id | 0 | 10 |');
  });

  it('shows the rate-limited ratio, the throughput ratio and memory', () => {
    expect(markdown).toContain(
      '| 1200/min (window 60 s) | 1200 | 60.0 s | 63.0 s | 1.05 | 0 | 0 of 280 | 45.0 s |',
    );
    expect(markdown).toContain('| 28 | 10.0 s | 300 | 4 / 1.5 |');
    expect(markdown).toContain('| importer | 150 MiB |');
    expect(markdown).toContain('| link | n/a |');
  });
});
