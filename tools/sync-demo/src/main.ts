/**
 * The main job on the embedded default (README's first command, through tools/run): everything an MSP
 * admin does, against the simulators, end to end through the real services, Kafka and the database.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { manageDataset } from '@cw-hudu-sync/sample-data';
import { startHuduSimulator, startManageSimulator, startPipeline } from './lib/environment';
import { findConfigurationJourney, type JaegerHandle, startJaeger } from './lib/jaeger';
import { ProcessGroup } from './lib/processes';
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
  const jaegerGroup = new ProcessGroup(process.cwd(), `tmp/run/${tag}`);
  let jaeger: JaegerHandle | undefined;
  if (options.traces) {
    jaeger = await startJaeger(jaegerGroup, process.cwd(), jaegerBinary());
  }
  const env = await startPipeline({
    workspace: process.cwd(),
    tag,
    kafkaBrokers: requireEnv('KAFKA_BROKERS'),
    mongoUrl: requireEnv('MONGO_URL'),
    ...(jaeger
      ? {
          extraEnv: {
            OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpUrl,
            OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
            OTEL_BSP_SCHEDULE_DELAY: '1000',
            OTEL_BSP_MAX_QUEUE_SIZE: '65536',
          },
        }
      : {}),
  });
  const stopAll = async () => {
    await env.stop();
    await jaegerGroup.stopAll();
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    const dataset = manageDataset({ size: options.size, seed: options.seed });
    const manage = await startManageSimulator(env.group, 'manage-simulator', {
      size: options.size,
      seed: options.seed,
    });
    const hudu = await startHuduSimulator(env.group, 'hudu-simulator', options.seed, dataset, {
      HUDU_SIM_RATE_LIMIT_PER_MINUTE: String(options.huduRequestsPerMinute),
    });
    const initialHudu = await huduState(hudu);
    const integrationId = 'demo';
    await createIntegration(env, integrationId, manage, hudu, {
      matchPolicy: options.policy,
      huduRequestsPerMinute: options.huduRequestsPerMinute,
    });
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
    let ok = await printSummary(context, decisions, Date.now() - started);
    if (jaeger) ok = (await printTraces(jaeger, integrationId)) && ok;
    if (options.keepRunning) {
      process.stdout.write('\nServices keep running; Ctrl-C stops them.\n');
      await new Promise(() => undefined);
    }
    process.exitCode = ok ? 0 : 1;
  } catch (error) {
    process.stderr.write(`\nrun failed: ${(error as Error).message}\nlogs: ${env.logDir}\n`);
    process.exitCode = 1;
  } finally {
    if (!options.keepRunning) await stopAll();
  }
}

/** The Jaeger part of the summary: where the UI is and one configuration's journey, confirmed by Jaeger's API. */
async function printTraces(jaeger: JaegerHandle, integrationId: string): Promise<boolean> {
  const line = (label: string, value: string) => process.stdout.write(`  ${label.padEnd(25)}${value}\n`);
  line('traces', `Jaeger UI ${jaeger.uiUrl}`);
  try {
    const journey = await findConfigurationJourney(jaeger, integrationId);
    line(
      '  one journey',
      `configuration ${journey.manageId}: trace ${journey.traceId} ` +
        `(${journey.spans} spans: ${journey.services.join(' → ')})`,
    );
    line('  open', journey.url);
    return true;
  } catch (error) {
    line('  one journey', `none complete: ${(error as Error).message}`);
    return false;
  }
}

/** CWHS_JAEGER_BIN, else the pinned Jaeger built once by tools/jaeger/jaeger (cached under CWHS_HOME). */
function jaegerBinary(): string {
  const given = process.env['CWHS_JAEGER_BIN'];
  if (given) return given;
  return execFileSync(path.join(process.cwd(), 'tools', 'jaeger', 'jaeger'), ['build'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
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
