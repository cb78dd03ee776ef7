/**
 * The main job on the embedded default (README's first command, through tools/run): everything an MSP
 * admin does, against the simulators, end to end through the real services, Kafka and the database.
 */
import { manageDataset } from '@cw-hudu-sync/sample-data';
import { startHuduSimulator, startManageSimulator, startPipeline } from './lib/environment';
import { parseOptions } from './lib/options';
import { printSummary } from './lib/summary';
import {
  createIntegration,
  decideRemainingMatches,
  huduState,
  requestSync,
  waitForIdlePipeline,
} from './lib/sync';

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const tag = `demo-${new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14)}`;
  const env = await startPipeline({
    workspace: process.cwd(),
    tag,
    kafkaBrokers: requireEnv('KAFKA_BROKERS'),
    mongoUrl: requireEnv('MONGO_URL'),
  });
  process.once('SIGINT', () => void env.stop().then(() => process.exit(130)));
  try {
    const dataset = manageDataset({ size: options.size, seed: options.seed });
    const manage = await startManageSimulator(env.group, 'manage-simulator', {
      size: options.size,
      seed: options.seed,
    });
    const hudu = await startHuduSimulator(env.group, 'hudu-simulator', options.seed, dataset);
    const initialHudu = await huduState(hudu);
    const integrationId = 'demo';
    await createIntegration(env, integrationId, manage, hudu, { matchPolicy: options.policy });
    const runId = await requestSync(env, integrationId, 'full');
    const context = {
      env,
      integrationId,
      runId,
      hudu,
      initialHudu,
      dataset,
      deadline: started + options.timeoutSeconds * 1000,
    };
    const decisions = await decideRemainingMatches(context);
    await waitForIdlePipeline(context);
    const ok = await printSummary(context, decisions, Date.now() - started);
    if (options.keepRunning) {
      process.stdout.write('\nServices keep running; Ctrl-C stops them.\n');
      await new Promise(() => undefined);
    }
    process.exitCode = ok ? 0 : 1;
  } catch (error) {
    process.stderr.write(`\nrun failed: ${(error as Error).message}\nlogs: ${env.logDir}\n`);
    process.exitCode = 1;
  } finally {
    if (!options.keepRunning) await env.stop();
  }
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (tools/run sets it from the local stack)`);
  return value;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
