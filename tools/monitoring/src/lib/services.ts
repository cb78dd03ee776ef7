import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** The five services, as built by `npx nx build <app>` (dist/apps/<app>/main.js). */
export const SERVICES = ['fetcher', 'matcher', 'importer', 'link', 'admin'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface RunningServices {
  ports: Record<ServiceName, number>;
  /** The admin API's bearer token. */
  adminToken: string;
  /** The simulators, when asked for. */
  simulators?: Simulators;
  /** The /metrics text of each service. */
  scrape(): Promise<Record<ServiceName, string>>;
  /** The last lines of a service's log, for failure messages. */
  logTail(service: ServiceName): string;
  stop(): Promise<void>;
}

export interface StartSettings {
  workspace: string;
  kafkaBrokers: string;
  mongoUrl: string;
  /** Topic namespace, database name and log folder: nothing is shared with other runs. */
  tag: string;
  timeoutMs?: number;
  /** Also start a Manage simulator (small dataset) and a Hudu simulator (built under dist/tools). */
  withSimulators?: boolean;
}

export interface Simulators {
  manage: { url: string; companyId: string; publicKey: string; privateKey: string };
  hudu: { url: string; apiKey: string };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits until every bundle exists (dist/<bundle>/main.js), then copies each (main.js and what lies beside it). */
async function snapshotBundles(
  workspace: string,
  bundles: readonly string[],
  into: string,
  timeoutMs: number,
): Promise<Record<string, string>> {
  const deadline = Date.now() + timeoutMs;
  const source = (bundle: string) => path.join(workspace, 'dist', bundle);
  for (;;) {
    const missing = bundles.filter((bundle) => !fs.existsSync(path.join(source(bundle), 'main.js')));
    if (missing.length === 0) break;
    if (Date.now() > deadline) {
      throw new Error(
        `dist/{${missing.join(',')}}/main.js missing: build them first (npx nx build <project>)`,
      );
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const mains: Record<string, string> = {};
  for (const bundle of bundles) {
    fs.cpSync(source(bundle), path.join(into, bundle), { recursive: true });
    mains[bundle] = path.join(into, bundle, 'main.js');
  }
  return mains;
}

/**
 * Starts the five built services as child processes against the given Kafka and database, the way
 * tools/sync-demo does (and the simulators when asked), and waits until each service answers /readyz
 * (so its consumers exist).
 */
export async function startServices(settings: StartSettings): Promise<RunningServices> {
  const timeoutMs = settings.timeoutMs ?? 90_000;
  const logDir = path.join(settings.workspace, 'tmp', 'monitoring', settings.tag);
  fs.mkdirSync(logDir, { recursive: true });
  const children = new Map<string, ChildProcess>();
  const logOf = (name: string) => path.join(logDir, `${name}.log`);
  const logTail = (name: string) => {
    try {
      return fs.readFileSync(logOf(name), 'utf8').trimEnd().split('\n').slice(-15).join('\n');
    } catch {
      return '(no log)';
    }
  };
  const stop = async () => {
    await Promise.all(
      [...children.values()]
        .filter((c) => c.exitCode === null && c.signalCode === null)
        .map(
          (child) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
              child.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              child.kill('SIGTERM');
            }),
        ),
    );
    fs.rmSync(path.join(logDir, 'dist'), { recursive: true, force: true });
  };
  const until = async (what: string, name: string, probe: () => Promise<boolean>) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (children.get(name)?.exitCode !== null) throw new Error(`${name} exited:\n${logTail(name)}`);
      if (await probe().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`${what} never happened:\n${logTail(name)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  // Other builds may replace dist/ while this runs: run a copy of each bundle, taken once all exist. The
  // copy stays under the workspace so that the bundles still find node_modules.
  const simulatorBundles = settings.withSimulators ? ['tools/manage-simulator', 'tools/hudu-simulator'] : [];
  const mains = await snapshotBundles(
    settings.workspace,
    [...SERVICES.map((service) => `apps/${service}`), ...simulatorBundles],
    path.join(logDir, 'dist'),
    timeoutMs,
  );
  const start = (name: string, bundle: string, env: Record<string, string>) => {
    const log = fs.openSync(logOf(name), 'w');
    const child = spawn(process.execPath, ['--enable-source-maps', mains[bundle] ?? bundle], {
      cwd: settings.workspace,
      env: { ...process.env, ...env },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    child.on('error', () => undefined); // a failed spawn shows as an exit
    children.set(name, child);
  };

  try {
    let simulators: Simulators | undefined;
    if (settings.withSimulators) {
      const [managePort, huduPort] = [await freePort(), await freePort()];
      simulators = {
        manage: {
          url: `http://127.0.0.1:${managePort}`,
          companyId: 'ExampleMSP',
          publicKey: 'monitoringPublicKey',
          privateKey: randomBytes(12).toString('hex'),
        },
        hudu: { url: `http://127.0.0.1:${huduPort}`, apiKey: randomBytes(16).toString('hex') },
      };
      const { manage, hudu } = simulators;
      start('manage-simulator', 'tools/manage-simulator', {
        MANAGE_SIM_PORT: String(managePort),
        MANAGE_SIM_SIZE: 'small',
        MANAGE_SIM_SEED: settings.tag,
        MANAGE_SIM_COMPANY_ID: manage.companyId,
        MANAGE_SIM_PUBLIC_KEY: manage.publicKey,
        MANAGE_SIM_PRIVATE_KEY: manage.privateKey,
      });
      start('hudu-simulator', 'tools/hudu-simulator', {
        HUDU_SIM_PORT: String(huduPort),
        HUDU_SIM_API_KEYS: hudu.apiKey,
        HUDU_SIM_SEED: settings.tag,
        HUDU_SIM_RATE_LIMIT_PER_MINUTE: '1000000',
      });
      await until(
        'the Manage simulator answering',
        'manage-simulator',
        async () => (await fetch(`${manage.url}/login/companyinfo/${manage.companyId}`)).ok,
      );
      await until(
        'the Hudu simulator answering',
        'hudu-simulator',
        async () => (await fetch(`${hudu.url}/_sim/counters`)).ok,
      );
    }

    const mongo = new URL(settings.mongoUrl);
    mongo.pathname = `/${settings.tag.replace(/[^A-Za-z0-9_]/g, '_')}`;
    const ports = {} as Record<ServiceName, number>;
    for (const service of SERVICES) ports[service] = await freePort();
    const adminToken = randomBytes(24).toString('base64url');
    const env = {
      KAFKA_BROKERS: settings.kafkaBrokers,
      MONGO_URL: mongo.toString(),
      KAFKA_TOPIC_NAMESPACE: settings.tag,
      CWHS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      ADMIN_TOKEN: adminToken,
      PUBLIC_BASE_URL: `http://127.0.0.1:${ports.link}`,
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    };
    for (const service of SERVICES)
      start(service, `apps/${service}`, { ...env, HTTP_PORT: String(ports[service]) });
    for (const service of SERVICES) {
      await until(
        `${service} ready`,
        service,
        async () => (await fetch(`http://127.0.0.1:${ports[service]}/readyz`)).ok,
      );
    }
    return {
      ports,
      adminToken,
      ...(simulators ? { simulators } : {}),
      logTail,
      stop,
      async scrape() {
        const texts = await Promise.all(
          SERVICES.map(async (service) => {
            const response = await fetch(`http://127.0.0.1:${ports[service]}/metrics`);
            if (!response.ok) throw new Error(`${service} /metrics answered ${response.status}`);
            return [service, await response.text()] as const;
          }),
        );
        return Object.fromEntries(texts) as Record<ServiceName, string>;
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
