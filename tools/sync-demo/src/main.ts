/**
 * The main job on the embedded default (README's first command, through tools/run): everything an MSP
 * admin does, against the simulators, end to end through the real services, Kafka and the database.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { manageDataset } from '@cw-hudu-sync/sample-data';
import { Api } from './lib/api';
import { parseOptions } from './lib/options';
import { freePort, ProcessGroup, until } from './lib/processes';
import { decideRemainingMatches, printSummary, waitForQuietPipeline, type DemoContext } from './lib/sync';

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const workspace = process.cwd();
  const runTag = `demo-${new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14)}`;
  const logDir = path.join(workspace, 'tmp', 'run', runTag);
  const group = new ProcessGroup(workspace, logDir);
  const stop = async () => group.stopAll();
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));

  const kafka = requireEnv('KAFKA_BROKERS');
  const mongo = new URL(requireEnv('MONGO_URL'));
  mongo.pathname = `/${runTag.replace(/-/g, '_')}`; // a database of its own: each demo starts clean
  const adminToken = randomBytes(24).toString('base64url');
  const encryptionKeys = `k1:${randomBytes(32).toString('base64')}`;
  const manageKeys = {
    companyId: 'ExampleMSP',
    publicKey: 'demoPublicKey',
    privateKey: randomBytes(12).toString('hex'),
  };
  const huduKey = randomBytes(16).toString('hex');
  const ports = {
    manage: await freePort(),
    hudu: await freePort(),
    fetcher: await freePort(),
    matcher: await freePort(),
    importer: await freePort(),
    link: await freePort(),
    admin: await freePort(),
  };
  const huduUrl = `http://127.0.0.1:${ports.hudu}`;
  const manageUrl = `http://127.0.0.1:${ports.manage}`;
  const linkUrl = `http://127.0.0.1:${ports.link}`;

  try {
    // 1. The two simulators: Manage with the sample dataset, Hudu with pre-existing companies and layouts.
    const dataset = manageDataset({ size: options.size, seed: options.seed });
    const companiesFile = path.join(logDir, 'manage-companies.json');
    fs.writeFileSync(
      companiesFile,
      JSON.stringify(
        dataset.companies.map(({ id, identifier, name, website }) => ({ id, identifier, name, website })),
      ),
    );
    group.start('manage-simulator', 'tools/manage-simulator', {
      MANAGE_SIM_PORT: String(ports.manage),
      MANAGE_SIM_SIZE: options.size,
      MANAGE_SIM_SEED: options.seed,
      MANAGE_SIM_COMPANY_ID: manageKeys.companyId,
      MANAGE_SIM_PUBLIC_KEY: manageKeys.publicKey,
      MANAGE_SIM_PRIVATE_KEY: manageKeys.privateKey,
    });
    group.start('hudu-simulator', 'tools/hudu-simulator', {
      HUDU_SIM_PORT: String(ports.hudu),
      HUDU_SIM_API_KEYS: huduKey,
      HUDU_SIM_SEED: options.seed,
      HUDU_SIM_SEED_MANAGE_COMPANIES_FILE: companiesFile,
      HUDU_SIM_RATE_LIMIT_PER_MINUTE: '100000',
    });
    await until(
      'the Manage simulator',
      async () => (await fetch(`${manageUrl}/login/companyinfo/${manageKeys.companyId}`)).ok,
      60_000,
    );
    await until('the Hudu simulator', async () => (await fetch(`${huduUrl}/_sim/counters`)).ok, 30_000);

    // 2. The services.
    const common = {
      KAFKA_BROKERS: kafka,
      MONGO_URL: mongo.toString(),
      KAFKA_TOPIC_NAMESPACE: runTag,
      CWHS_ENCRYPTION_KEYS: encryptionKeys,
      ADMIN_TOKEN: adminToken,
      PUBLIC_BASE_URL: linkUrl,
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    };
    for (const service of ['fetcher', 'matcher', 'importer', 'link', 'admin'] as const) {
      group.start(service, `apps/${service}`, { ...common, HTTP_PORT: String(ports[service]) });
    }
    for (const service of ['fetcher', 'matcher', 'importer', 'link', 'admin'] as const) {
      await until(
        `${service} to be ready (log: ${path.join(logDir, `${service}.log`)})`,
        async () => {
          if (group.exited(service) !== null)
            throw new Error(`${service} exited:\n${group.logTail(service)}`);
          return (await fetch(`http://127.0.0.1:${ports[service]}/readyz`)).ok;
        },
        60_000,
      );
    }

    // 3. The admin's set-up: an integration pointing at the simulators, then a full sync.
    const admin = new Api(`http://127.0.0.1:${ports.admin}`, adminToken);
    const matcher = new Api(`http://127.0.0.1:${ports.matcher}`, adminToken);
    const link = new Api(linkUrl, adminToken);
    const integrationId = 'demo';
    const created = await admin.call<{ preflight?: unknown }>('POST', '/api/integrations', {
      id: integrationId,
      name: 'Demo MSP (simulators)',
      manage: { siteUrl: manageUrl, ...manageKeys, clientId: 'cw-hudu-sync-demo' },
      hudu: { baseUrl: huduUrl, apiKey: huduKey },
      options: { matchPolicy: options.policy },
    });
    const { runId } = await admin.call<{ runId: string }>('POST', `/api/integrations/${integrationId}/sync`, {
      mode: 'full',
    });
    const context: DemoContext = {
      integrationId,
      runId,
      admin,
      matcher,
      link,
      huduUrl,
      linkUrl,
      dataset,
      preflight: created.preflight,
      deadline: started + options.timeoutSeconds * 1000,
    };

    // 4. Stage two of matching, as an admin would do it, then wait for the pipeline to settle.
    const decisions = await decideRemainingMatches(context);
    await waitForQuietPipeline(context);
    const ok = await printSummary(context, decisions, Date.now() - started, logDir);
    if (options.keepRunning) {
      process.stdout.write('\nServices keep running; Ctrl-C stops them.\n');
      await new Promise(() => undefined);
    }
    process.exitCode = ok ? 0 : 1;
  } catch (error) {
    process.stderr.write(`\nrun failed: ${(error as Error).message}\nlogs: ${logDir}\n`);
    process.exitCode = 1;
  } finally {
    if (!options.keepRunning) await stop();
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
