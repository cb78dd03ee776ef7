import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ManageDataset } from '@cw-hudu-sync/sample-data';
import { Api } from './api';
import { freePort, ProcessGroup, until } from './processes';

export const SERVICES = ['fetcher', 'matcher', 'importer', 'link', 'admin'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The five services running as real processes against the stack, plus clients for their APIs. */
export interface PipelineEnvironment {
  group: ProcessGroup;
  /** Topic namespace and consumer-group prefix of this environment. */
  namespace: string;
  kafkaBrokers: string[];
  logDir: string;
  admin: Api;
  matcher: Api;
  link: Api;
  linkUrl: string;
  ports: Record<ServiceName, number>;
  /** The deployment's own secrets, for tests that prove they never reach a log line or a trace. */
  secrets: { adminToken: string; encryptionKey: string };
  /** Starts a killed service again as it was first started, and waits until it is ready. */
  restart(service: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

export interface EnvironmentSettings {
  workspace: string;
  /** Names the topic namespace, the database and the log folder: every environment starts clean. */
  tag: string;
  kafkaBrokers: string;
  mongoUrl: string;
  extraEnv?: Record<string, string>;
}

export async function startPipeline(settings: EnvironmentSettings): Promise<PipelineEnvironment> {
  const logDir = path.join(settings.workspace, 'tmp', 'run', settings.tag);
  const group = new ProcessGroup(settings.workspace, logDir);
  const mongo = new URL(settings.mongoUrl);
  mongo.pathname = `/${settings.tag.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const adminToken = randomBytes(24).toString('base64url');
  const encryptionKey = randomBytes(32).toString('base64');
  const ports = Object.fromEntries(
    await Promise.all(SERVICES.map(async (s) => [s, await freePort()] as const)),
  ) as Record<ServiceName, number>;
  const linkUrl = `http://127.0.0.1:${ports.link}`;
  const common = {
    KAFKA_BROKERS: settings.kafkaBrokers,
    MONGO_URL: mongo.toString(),
    KAFKA_TOPIC_NAMESPACE: settings.tag,
    CWHS_ENCRYPTION_KEYS: `k1:${encryptionKey}`,
    ADMIN_TOKEN: adminToken,
    PUBLIC_BASE_URL: linkUrl,
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    ...settings.extraEnv,
  };
  for (const service of SERVICES) {
    group.start(service, `apps/${service}`, { ...common, HTTP_PORT: String(ports[service]) });
  }
  const ready = (service: ServiceName) =>
    until(
      `${service} to be ready (log: ${group.logFile(service)})`,
      async () => {
        if (group.exited(service) !== null) throw new Error(`${service} exited:\n${group.logTail(service)}`);
        return (await fetch(`http://127.0.0.1:${ports[service]}/readyz`)).ok;
      },
      90_000,
    );
  try {
    for (const service of SERVICES) await ready(service);
  } catch (error) {
    await group.stopAll();
    throw error;
  }
  return {
    group,
    namespace: settings.tag,
    kafkaBrokers: settings.kafkaBrokers.split(','),
    logDir,
    ports,
    linkUrl,
    secrets: { adminToken, encryptionKey },
    admin: new Api(`http://127.0.0.1:${ports.admin}`, adminToken),
    matcher: new Api(`http://127.0.0.1:${ports.matcher}`, adminToken),
    link: new Api(linkUrl, adminToken),
    restart: async (service) => {
      group.restart(service);
      await ready(service);
    },
    stop: () => group.stopAll(),
  };
}

export interface ManageSimulatorHandle {
  url: string;
  companyId: string;
  publicKey: string;
  privateKey: string;
}

export async function startManageSimulator(
  group: ProcessGroup,
  name: string,
  dataset: { size: ManageDataset['size']; seed: string },
): Promise<ManageSimulatorHandle> {
  const port = await freePort();
  const handle = {
    url: `http://127.0.0.1:${port}`,
    companyId: 'ExampleMSP',
    publicKey: 'demoPublicKey',
    privateKey: randomBytes(12).toString('hex'),
  };
  group.start(name, 'tools/manage-simulator', {
    MANAGE_SIM_PORT: String(port),
    MANAGE_SIM_SIZE: dataset.size,
    MANAGE_SIM_SEED: dataset.seed,
    MANAGE_SIM_COMPANY_ID: handle.companyId,
    MANAGE_SIM_PUBLIC_KEY: handle.publicKey,
    MANAGE_SIM_PRIVATE_KEY: handle.privateKey,
  });
  await until(
    `the Manage simulator (${name})`,
    async () => {
      if (group.exited(name) !== null) throw new Error(group.logTail(name));
      return (await fetch(`${handle.url}/login/companyinfo/${handle.companyId}`)).ok;
    },
    120_000,
  );
  return handle;
}

export interface HuduSimulatorHandle {
  url: string;
  apiKey: string;
}

/** A Hudu simulator with pre-existing companies derived from the Manage companies, and the seed layouts. */
export async function startHuduSimulator(
  group: ProcessGroup,
  name: string,
  seed: string,
  dataset: ManageDataset,
  extraEnv: Record<string, string> = {},
): Promise<HuduSimulatorHandle> {
  const port = await freePort();
  const companiesFile = path.join(group.logDir, `${name}-manage-companies.json`);
  fs.writeFileSync(
    companiesFile,
    JSON.stringify(
      dataset.companies.map(({ id, identifier, name: n, website }) => ({ id, identifier, name: n, website })),
    ),
  );
  const handle = { url: `http://127.0.0.1:${port}`, apiKey: randomBytes(16).toString('hex') };
  group.start(name, 'tools/hudu-simulator', {
    HUDU_SIM_PORT: String(port),
    HUDU_SIM_API_KEYS: handle.apiKey,
    HUDU_SIM_SEED: seed,
    HUDU_SIM_SEED_MANAGE_COMPANIES_FILE: companiesFile,
    HUDU_SIM_RATE_LIMIT_PER_MINUTE: '1000000',
    ...extraEnv,
  });
  await until(
    `the Hudu simulator (${name})`,
    async () => {
      if (group.exited(name) !== null) throw new Error(group.logTail(name));
      return (await fetch(`${handle.url}/_sim/counters`)).ok;
    },
    30_000,
  );
  return handle;
}
