import fs from 'node:fs';
import path from 'node:path';
import { describeMachine, gitCommit } from './machine';
import type { BenchOptions } from './options';
import { markdownReport } from './report';
import type { BenchResults } from './results';
import {
  runCalls,
  runRateLimited,
  runThroughput,
  stopAllEnvironments,
  type ScenarioSettings,
} from './scenarios';
import { snapshotBundles } from './snapshot';
import { stackFor } from './stack';

let stopStack: (() => Promise<void>) | undefined;

/** On a signal: stops the environments, then a private stack if this run started one. */
export async function abortBench(): Promise<void> {
  await stopAllEnvironments();
  await stopStack?.();
}

export interface RunContext {
  workspace: string;
  command: string;
  log: (line: string) => void;
}

/**
 * Runs the chosen scenarios and writes `<out>/<time>-<scenario>.json|.md`, and `<out>/latest.json|.md` when
 * every scenario finished. A scenario that fails is recorded in `failures` (with what it measured before)
 * and the next one still runs.
 */
export async function runBench(
  options: BenchOptions,
  context: RunContext,
): Promise<{ results: BenchResults; files: string[] }> {
  const startedAt = new Date().toISOString();
  const results: BenchResults = {
    startedAt,
    finishedAt: startedAt,
    command: context.command,
    commit: gitCommit(context.workspace),
    machine: describeMachine(),
    notes: [...options.notes],
    failures: [],
  };
  const bundles = options.bundles
    ? path.resolve(context.workspace, options.bundles)
    : await snapshotBundles(context.workspace, startedAt.replace(/[:.]/g, '-'));
  results.notes.push(`services and simulators run from ${path.relative(context.workspace, bundles)}/dist`);
  const stack = await stackFor(context.workspace);
  stopStack = stack.stop;
  results.notes.push(
    stack.origin === 'private'
      ? 'private local-stack instance (own Kafka broker and FerretDB)'
      : `broker and database from KAFKA_BROKERS/MONGO_URL (shared with whatever else uses them)`,
  );
  const settings = (size: ScenarioSettings['size']): ScenarioSettings => ({
    workspace: bundles,
    kafkaBrokers: stack.kafkaBrokers,
    mongoUrl: stack.mongoUrl,
    size,
    seed: options.seed,
    deadline: Date.now() + options.timeoutSeconds * 1000,
    log: context.log,
  });
  const want = (name: BenchOptions['scenario']) => options.scenario === name || options.scenario === 'all';
  const attempt = async (name: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0] ?? String(error);
      results.failures.push(`${name}: ${reason}`);
      context.log(`bench: ${name} did not finish: ${reason}`);
    }
  };
  try {
    if (want('calls')) {
      await attempt('calls', async () => {
        results.calls = await runCalls(settings(options.sizes.calls), (partial) => (results.calls = partial));
      });
    }
    if (want('rate-limited')) {
      await attempt('rate-limited', async () => {
        results.rateLimited = await runRateLimited({
          ...settings(options.sizes.rateLimited),
          limitPerMinute: options.limit,
          windowMs: options.windowMs,
        });
      });
    }
    if (want('throughput')) {
      await attempt('throughput', async () => {
        results.throughput = await runThroughput(settings(options.sizes.throughput));
      });
    }
  } finally {
    stopStack = undefined;
    await stack.stop();
  }
  results.finishedAt = new Date().toISOString();

  const markdown = markdownReport(results);
  context.log(`\n${markdown}`);
  const out = path.resolve(context.workspace, options.out);
  fs.mkdirSync(out, { recursive: true });
  const base = `${startedAt.replace(/[:.]/g, '-')}-${options.scenario}`;
  const files = [
    path.join(out, `${base}.json`),
    path.join(out, `${base}.md`),
    path.join(out, 'latest.json'),
    path.join(out, 'latest.md'),
  ];
  const json = `${JSON.stringify(results, null, 2)}\n`;
  fs.writeFileSync(files[0] as string, json);
  fs.writeFileSync(files[1] as string, markdown);
  // A run that did not finish keeps its own files but does not replace the latest results.
  if (results.failures.length > 0) return { results, files: files.slice(0, 2) };
  fs.writeFileSync(files[2] as string, json);
  fs.writeFileSync(files[3] as string, markdown);
  return { results, files };
}
