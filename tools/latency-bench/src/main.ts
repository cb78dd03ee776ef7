/**
 * Callback latency benchmark: how long a change made in Manage takes to reach Hudu through the callback
 * path (Manage fires its signed callback → fetcher inbox → re-read → ConfigurationFetched → importer → Hudu).
 *
 *   npx nx run latency-bench:run                 # 200 changes, 500 ms apart
 *   npx nx run latency-bench:run --changes=500 --interval-ms=400
 *
 * The pace stays within Hudu's documented 300 requests per minute, which the importer's request budget
 * honours (a change costs one or two Hudu requests): faster, the benchmark measures the budget's queue, not
 * the pipeline. Before firing, it waits for the budget's window the initial sync used up to pass.
 *
 * Needs KAFKA_BROKERS and MONGO_URL (e.g. `eval "$(tools/stack/stack env)"`). Starts the Manage and Hudu
 * simulators, the fetcher (with CALLBACK_BASE_URL), matcher, importer and admin as processes under a fresh
 * topic namespace and database, creates an integration (auto-create), runs the initial full sync, then fires
 * the changes (a new serial number on a configuration each) one by one through the Manage simulator. The
 * latency of a change is from the moment the simulator fired its callback (its delivery log) to the moment
 * the Hudu write carrying the new serial number reached Hudu (a recording proxy in front of the Hudu
 * simulator). Prints p50/p95/p99 (ms) and one JSON line.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expectedHuduState, manageDataset } from '@cw-hudu-sync/sample-data';
import { freePort, Processes, sleep, until } from './lib/processes';
import { RecordingProxy } from './lib/recording-proxy';
import { latencies, type Measurement, summarise } from './lib/stats';

interface Options {
  changes: number;
  intervalMs: number;
  keep: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { changes: 200, intervalMs: 500, keep: false };
  for (const arg of argv) {
    const [key, value] = arg.replace(/^--/, '').split('=');
    if (key === 'changes' && value) options.changes = Math.max(1, Number.parseInt(value, 10));
    else if (key === 'interval-ms' && value) options.intervalMs = Math.max(0, Number.parseInt(value, 10));
    else if (key === 'keep-logs') options.keep = true;
    else if (key === 'help' || key === 'h') {
      process.stdout.write('latency-bench [--changes=200] [--interval-ms=500]\n');
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  if (!Number.isFinite(options.changes) || !Number.isFinite(options.intervalMs))
    throw new Error('bad numbers');
  return options;
}

const say = (text: string) => process.stderr.write(`latency-bench: ${text}\n`);

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok)
    throw new Error(`${init?.method ?? 'GET'} ${url} → ${response.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const brokers = process.env['KAFKA_BROKERS'];
  const mongoUrl = process.env['MONGO_URL'];
  if (!brokers || !mongoUrl) {
    throw new Error('KAFKA_BROKERS and MONGO_URL must be set (e.g. eval "$(tools/stack/stack env)")');
  }
  const workspace = process.cwd();
  const tag = `latency-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const processes = new Processes(workspace, path.join(workspace, 'tmp', 'latency-bench', tag));
  const dataset = manageDataset({ size: 'small', seed: 1 });
  const expected = expectedHuduState(dataset);
  const configurations = expected.filter((c) => !c.archived).flatMap((c) => c.configurations);
  const expectedAssets = expected.reduce((n, c) => n + c.configurations.length + c.contacts.length, 0);
  let proxy: RecordingProxy | undefined;
  try {
    const services = ['fetcher', 'matcher', 'importer', 'admin'] as const;
    await processes.snapshot([
      'tools/manage-simulator',
      'tools/hudu-simulator',
      ...services.map((service) => `apps/${service}`),
    ]);

    // ---- simulators ----
    const manage = {
      url: `http://127.0.0.1:${await freePort()}`,
      companyId: 'ExampleMSP',
      publicKey: 'benchPublicKey',
      privateKey: randomBytes(12).toString('hex'),
    };
    processes.start('manage-simulator', 'tools/manage-simulator', {
      MANAGE_SIM_PORT: new URL(manage.url).port,
      MANAGE_SIM_SIZE: 'small',
      MANAGE_SIM_SEED: '1',
      MANAGE_SIM_COMPANY_ID: manage.companyId,
      MANAGE_SIM_PUBLIC_KEY: manage.publicKey,
      MANAGE_SIM_PRIVATE_KEY: manage.privateKey,
    });
    const hudu = { url: `http://127.0.0.1:${await freePort()}`, apiKey: randomBytes(16).toString('hex') };
    processes.start('hudu-simulator', 'tools/hudu-simulator', {
      HUDU_SIM_PORT: new URL(hudu.url).port,
      HUDU_SIM_API_KEYS: hudu.apiKey,
      HUDU_SIM_SEED: '1',
      HUDU_SIM_RATE_LIMIT_PER_MINUTE: '1000000',
    });
    await until('the Manage simulator', async () => (await fetch(`${manage.url}/_sim/health`)).ok, 60_000);
    await until('the Hudu simulator', async () => (await fetch(`${hudu.url}/_sim/counters`)).ok, 60_000);
    const recorder = await new RecordingProxy(hudu.url).start();
    proxy = recorder;

    // ---- services ----
    const ports = Object.fromEntries(
      await Promise.all(services.map(async (s) => [s, await freePort()] as const)),
    );
    const db = new URL(mongoUrl);
    db.pathname = `/${tag.replace(/[^A-Za-z0-9_]/g, '_')}`;
    const adminToken = randomBytes(24).toString('base64url');
    const common = {
      KAFKA_BROKERS: brokers,
      MONGO_URL: db.toString(),
      KAFKA_TOPIC_NAMESPACE: tag,
      CWHS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      ADMIN_TOKEN: adminToken,
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    };
    for (const service of services) {
      processes.start(service, `apps/${service}`, {
        ...common,
        HTTP_PORT: String(ports[service]),
        ...(service === 'fetcher'
          ? {
              CALLBACK_BASE_URL: `http://127.0.0.1:${ports[service]}`,
              FETCHER_CALLBACK_REGISTRATION_SECONDS: '1',
            }
          : {}),
      });
    }
    for (const service of services) {
      await until(
        `${service} to be ready`,
        async () => {
          if (processes.exited(service)) throw new Error(`${service} exited:\n${processes.logTail(service)}`);
          return (await fetch(`http://127.0.0.1:${ports[service]}/readyz`)).ok;
        },
        120_000,
      );
    }
    say(`services ready (logs: ${processes.logDir})`);

    // ---- the integration and its initial sync ----
    const admin = `http://127.0.0.1:${ports['admin']}`;
    const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const integrationId = 'latency';
    await json(`${admin}/api/integrations`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        id: integrationId,
        name: 'latency benchmark',
        manage: { ...manage, siteUrl: manage.url, clientId: 'latency-bench' },
        hudu: { baseUrl: recorder.url, apiKey: hudu.apiKey },
        options: {
          matchPolicy: 'auto-create',
          // callbacks on; polls and reconciles far apart, so that they do not mix into the measurement
          continuousSync: {
            enabled: true,
            callbacks: true,
            pollIntervalSeconds: 86_400,
            reconcile: { everySeconds: 31 * 86_400 },
          },
        },
      }),
    });
    await json(`${admin}/api/integrations/${integrationId}/sync`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ mode: 'full' }),
    });
    const assetCount = async () =>
      (await json<{ assets: unknown[] }>(`${hudu.url}/_sim/state`)).assets.length;
    await until(
      `the initial sync (${expectedAssets} assets in Hudu)`,
      async () => (await assetCount()) >= expectedAssets,
      600_000,
      1_000,
    );
    await until(
      'the callbacks to be registered in Manage',
      async () => (await json<{ callbacks: number }>(`${manage.url}/_sim/state`)).callbacks === 3,
      60_000,
    );
    // quiet: nothing written to Hudu for 3 s
    let last = -1;
    await until(
      'Hudu to be quiet',
      async () => {
        const now = recorder.writes.length;
        const quiet = now === last;
        last = now;
        return quiet;
      },
      120_000,
      3_000,
    );
    say('initial sync done; waiting 65 s for the Hudu request budget window it used to pass');
    await sleep(65_000);
    const huduRequests = async () => (await json<{ total: number }>(`${hudu.url}/_sim/counters`)).total;
    const requestsBefore = await huduRequests();
    say(`firing ${options.changes} changes, ${options.intervalMs} ms apart`);

    // ---- the changes ----
    const markers: Array<{ marker: string; manageId: number }> = [];
    const run = randomBytes(2).toString('hex');
    for (let i = 0; i < options.changes; i++) {
      const configuration = configurations[i % configurations.length];
      if (!configuration) throw new Error('the dataset has no imported configuration');
      const marker = `LAT-${run}-${i}`;
      markers.push({ marker, manageId: configuration.manageId });
      await json(`${manage.url}/_sim/configurations/${configuration.manageId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ serialNumber: marker }),
      });
      if (options.intervalMs > 0) await sleep(options.intervalMs);
    }
    const seen = () =>
      markers.filter(({ marker }) => recorder.writes.some((w) => w.body.includes(`"${marker}"`)));
    await until(
      'every change to reach Hudu',
      async () => seen().length === markers.length,
      120_000,
      250,
    ).catch((error: Error) => say(`${error.message}: ${markers.length - seen().length} missing`));

    const requestsPerChange = ((await huduRequests()) - requestsBefore) / markers.length;

    // ---- measure ----
    const deliveries = await json<
      Array<{ type: string; body: string; firedAt: number; status: number | string }>
    >(`${manage.url}/_sim/callbacks/deliveries`);
    const firedAt = new Map<string, number>();
    let rejected = 0;
    for (const delivery of deliveries) {
      if (delivery.type !== 'configuration') continue;
      if (delivery.status !== 200) rejected++;
      const entity = (JSON.parse(delivery.body) as { Entity?: string | null }).Entity;
      const serial = entity ? (JSON.parse(entity) as { serialNumber?: string }).serialNumber : undefined;
      if (serial && !firedAt.has(serial)) firedAt.set(serial, delivery.firedAt);
    }
    const measurements: Measurement[] = markers.map(({ marker }) => {
      const write = recorder.writes.find((w) => w.body.includes(`"${marker}"`));
      const fired = firedAt.get(marker);
      return {
        marker,
        ...(fired !== undefined ? { firedAt: fired } : {}),
        ...(write ? { observedAt: write.at } : {}),
      };
    });
    const { samples, missing } = latencies(measurements);
    const summary = summarise(samples);
    const ms = (value: number | undefined) => (value === undefined ? 'n/a' : `${value} ms`);
    process.stdout.write(
      [
        `callback latency (Manage callback fired → Hudu write observed), ${summary.count} of ${markers.length} changes`,
        `  p50 ${ms(summary.p50)}   p95 ${ms(summary.p95)}   p99 ${ms(summary.p99)}`,
        `  min ${ms(summary.min)}   max ${ms(summary.max)}   mean ${ms(summary.mean)}`,
        `  missing ${missing.length}, callback deliveries not answered 200: ${rejected}, Hudu requests per change ${requestsPerChange.toFixed(2)}`,
        `  target p95 ≤ 1000 ms: ${summary.p95 !== undefined && summary.p95 <= 1000 ? 'met' : 'NOT met'}`,
        JSON.stringify({
          ...summary,
          changes: markers.length,
          missing: missing.length,
          intervalMs: options.intervalMs,
          requestsPerChange: Math.round(requestsPerChange * 100) / 100,
        }),
        '',
      ].join('\n'),
    );
    if (missing.length > 0) process.exitCode = 1;
  } finally {
    await proxy?.close();
    await processes.stopAll();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`latency-bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
