/**
 * Benchmarks of issue #7: API calls against a naive script, a rate-limited import against its floor,
 * unthrottled throughput against its floor, and each service's memory. One command per scenario:
 *   node dist/tools/bench/main.js --scenario calls|rate-limited|throughput|all   (see --help)
 */
import { abortBench, runBench } from './lib/bench';
import { parseOptions, USAGE } from './lib/options';

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`bench: ${signal}, stopping the services and simulators\n`);
      void abortBench().finally(() => process.exit(130));
    });
  }
  const { files, results } = await runBench(options, {
    workspace: process.cwd(),
    command: `node dist/tools/bench/main.js ${process.argv.slice(2).join(' ')}`.trim(),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`\nresults: ${files.join(', ')}\n`);
  if (results.failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
