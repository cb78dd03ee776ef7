/**
 * Smoke test of the benchmark harness (the only benchmark in ./tools/test): the calls scenario on the
 * small dataset, end to end through the real services, Kafka and FerretDB. It checks the report's shape
 * and one behaviour — a re-sync with nothing changed makes 0 Hudu writes — never a timing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBench } from './lib/bench';
import { parseOptions, type BenchOptions } from './lib/options';
import { callsFigures } from './lib/report';
import type { BenchResults } from './lib/results';
import { totalOf, writesOf } from './lib/stats';

const workspace = path.resolve(__dirname, '../../..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
let results: BenchResults;
let files: string[];

beforeAll(async () => {
  const options = parseOptions([
    '--scenario',
    'calls',
    '--size',
    'small',
    '--out',
    out,
    '--timeout',
    '540',
  ]) as BenchOptions;
  ({ results, files } = await runBench(options, {
    workspace,
    command: 'bench smoke test',
    log: () => undefined,
  }));
}, 600_000);

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('the calls scenario on the small dataset', () => {
  it('writes the results as JSON and Markdown, with the machine and the commit', () => {
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['latest.json', 'latest.md']));
    expect(results.failures).toEqual([]);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'latest.json'), 'utf8')) as BenchResults;
    expect(json.calls?.size).toBe('small');
    expect(json.machine.cores).toBeGreaterThan(0);
    expect(json.commit).not.toBe('');
    const markdown = fs.readFileSync(path.join(out, 'latest.md'), 'utf8');
    expect(markdown).toContain('### Scenario 1: API calls (small dataset');
    expect(markdown).toContain('| Hudu writes on a re-sync with nothing changed | 0 |');
  });

  it('measures four phases for the product and the naive script, counting Hudu and Manage requests', () => {
    const calls = results.calls!;
    const phases = ['first-import', 'no-change', 'one-change', 'one-percent-changed'];
    expect(calls.product.map((p) => p.phase)).toEqual(phases);
    expect(calls.naive.map((p) => p.phase)).toEqual(phases);
    for (const side of [calls.product, calls.naive]) {
      for (const p of side) {
        expect(totalOf(p.hudu)).toBeGreaterThan(0);
        expect(totalOf(p.manage)).toBeGreaterThan(0);
      }
    }
    expect(calls.recordsCreated.product).toBeGreaterThan(0);
    expect(calls.productProblems).toEqual([]);
  });

  it('a re-sync with nothing changed makes 0 Hudu writes; the naive script writes every record again', () => {
    const calls = results.calls!;
    expect(callsFigures(calls, 'product').writesOnNoChange).toBe(0);
    const naive = calls.naive.find((p) => p.phase === 'no-change')!;
    expect(writesOf(naive.hudu)).toBeGreaterThanOrEqual(calls.recordsCreated.naive);
  });
});
