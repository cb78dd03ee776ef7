/**
 * Manage callbacks end to end: the Manage simulator as a built process (it fires signed callbacks on
 * every change), the real broker and FerretDB, the matcher and importer as built processes, the Hudu
 * simulator and the fetcher (sync consumer + callbacks) in-process. The callbacks' Kafka connection goes
 * through a TcpProxy so a test can take Kafka away from them.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { Kafka, type Kafka as KafkaClient } from 'kafkajs';
import type { Connection } from 'mongoose';
import { Registry } from 'prom-client';
import { createEvent } from '@cw-hudu-sync/contracts';
import { callbackSignature, callbackUrl } from '@cw-hudu-sync/fetching';
import { buildHuduSimulator, type HuduSimulator } from '@cw-hudu-sync/hudu-simulator';
import { IntegrationStore } from '@cw-hudu-sync/integrations';
import { createKafka, ensureTopics, EventPublisher, productTopics } from '@cw-hudu-sync/messaging';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { expectedHuduState, manageDataset } from '@cw-hudu-sync/sample-data';
import { SecretBox } from '@cw-hudu-sync/secrets';
import {
  isolatedMongoUrl,
  type ManageSimulatorProcess,
  type ServiceProcess,
  stackAddresses,
  startManageSimulator,
  startServiceProcess,
  TcpProxy,
  testLogger,
  uniqueName,
  waitFor,
  workspaceRoot,
} from '@cw-hudu-sync/testing';
import { type Fetcher, startFetcher } from '../fetcher';
import { type CallbackService, callbackRoutes, startCallbacks } from './callbacks';

const logger = testLogger('callbacks-test');
const INTEGRATION = `cb-${randomBytes(3).toString('hex')}`;
const URL_SECRET = randomBytes(24).toString('base64url');
const HUDU_KEY = randomBytes(12).toString('hex');
const dataset = manageDataset({ size: 'small', seed: 1 });

// A live company with imported configurations (its first one is changed), and another live one to delete.
const expected = expectedHuduState(dataset).filter((c) => !c.archived);
const changed = expected.find((c) => c.configurations.length > 0)!;
const configuration = changed.configurations[0]!;
const deleted = expected.find((c) => c.manageId !== changed.manageId)!;

let sim: ManageSimulatorProcess;
let hudu: HuduSimulator;
let huduUrl: string;
let db: Connection;
let direct: KafkaClient;
let proxied: KafkaClient;
let proxy: TcpProxy;
let syncPublisher: EventPublisher;
let callbackPublisher: EventPublisher;
let fetcher: Fetcher;
let callbacks: CallbackService;
let server: FastifyInstance;
let baseUrl: string;
const services: ServiceProcess[] = [];

interface HuduAsset {
  id: number;
  name: string;
  primary_serial?: string | null;
  archived: boolean;
}
interface HuduCompany {
  id: number;
  id_number?: string | null;
  archived: boolean;
}

async function huduState(): Promise<{ companies: HuduCompany[]; assets: HuduAsset[] }> {
  return (await (await fetch(`${huduUrl}/_sim/state`)).json()) as {
    companies: HuduCompany[];
    assets: HuduAsset[];
  };
}

async function assetOf(name: string): Promise<HuduAsset | undefined> {
  return (await huduState()).assets.find((a) => a.name === name && !a.archived);
}

interface Delivery {
  recordId: number;
  type: string;
  status: number | string;
  firedAt: number;
}

async function deliveries(): Promise<Delivery[]> {
  return sim.control<Delivery[]>('GET', '/_sim/callbacks/deliveries');
}

async function inboxCount(): Promise<number> {
  return db.collection('fetcher_callback_inbox').countDocuments({ integrationId: INTEGRATION });
}

beforeAll(async () => {
  const { kafkaBrokers } = stackAddresses();
  const namespace = uniqueName('callbacks');
  const mongoUrl = isolatedMongoUrl('callbacks');
  sim = await startManageSimulator({ MANAGE_SIM_SIZE: 'small', MANAGE_SIM_SEED: '1' });
  hudu = buildHuduSimulator({ apiKeys: [HUDU_KEY], rateLimit: { limit: 1_000_000 } });
  huduUrl = await hudu.listen();

  direct = createKafka({ brokers: kafkaBrokers, clientId: 'callbacks-int-test', logger });
  await ensureTopics(direct, productTopics(2, namespace));
  const [host, port] = (kafkaBrokers[0] ?? '127.0.0.1:29092').split(':');
  proxy = await new TcpProxy(host ?? '127.0.0.1', Number(port)).start();
  // Every connection of this client (bootstrap and the advertised broker address) goes through the proxy.
  proxied = new Kafka({
    clientId: 'callbacks-int-test-proxied',
    brokers: [`127.0.0.1:${proxy.port}`],
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1_000 },
    logLevel: 0,
    socketFactory: ({ onConnect }) => net.connect({ host: '127.0.0.1', port: proxy.port }, onConnect),
  });

  db = await connectDatabase({ url: mongoUrl, logger });
  const secrets = SecretBox.fromEnvironment(process.env['CWHS_ENCRYPTION_KEYS']);
  await new IntegrationStore(db, secrets).create({
    id: INTEGRATION,
    name: INTEGRATION,
    manage: {
      siteUrl: sim.url,
      companyId: sim.companyId,
      publicKey: sim.publicKey,
      privateKey: sim.privateKey,
      clientId: 'callbacks-test',
    },
    hudu: { baseUrl: huduUrl, apiKey: HUDU_KEY },
    // continuous sync on (its callbacks); no scheduler runs in this test, so no polls interfere
    options: { matchPolicy: 'auto-create', continuousSync: { enabled: true, callbacks: true } } as never,
  });

  const env = {
    KAFKA_BROKERS: kafkaBrokers.join(','),
    MONGO_URL: mongoUrl,
    KAFKA_TOPIC_NAMESPACE: namespace,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
  };
  for (const name of ['matcher', 'importer']) {
    // other work may be rebuilding dist/ right now: wait for the bundle (and its preload) to be there
    await waitFor(
      () =>
        ['main.js', 'otel.js'].every((file) =>
          fs.existsSync(path.join(workspaceRoot, 'dist', 'apps', name, file)),
        ),
      { what: `dist/apps/${name} to be built`, timeoutMs: 300_000, intervalMs: 1_000 },
    );
    services.push(await startServiceProcess(name, env));
  }

  syncPublisher = new EventPublisher(direct, logger, { namespace });
  await syncPublisher.connect();
  callbackPublisher = new EventPublisher(proxied, logger, { namespace });
  await callbackPublisher.connect();
  fetcher = await startFetcher({
    kafka: direct,
    db,
    publisher: syncPublisher,
    secrets,
    logger,
    namespace,
    groupId: uniqueName('fetcher'),
  });

  server = Fastify();
  await server.register(callbackRoutes(() => callbacks?.receiver));
  await server.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  callbacks = await startCallbacks({
    db,
    publisher: callbackPublisher,
    secrets,
    logger,
    metrics: new Registry(),
    baseUrl,
    urlSecret: URL_SECRET,
    pollMs: 200,
    registrationIntervalMs: 500,
    leaseSlotMs: 3_000,
    manageClientOptions: { attempts: 2, backoff: { initialMs: 10, maxMs: 50 } },
  });

  // The initial full sync: every company created in Hudu (auto-create), the configuration imported.
  await syncPublisher.publish(
    createEvent(
      'SyncRequested',
      { integrationId: INTEGRATION, runId: uniqueName('run') },
      { mode: 'full', force: false, requestedBy: 'test' },
    ),
  );
  await waitFor(async () => (await assetOf(configuration.name)) !== undefined, {
    what: `the initial sync to import configuration ${configuration.name}`,
    timeoutMs: 300_000,
    intervalMs: 500,
  }).catch((error: Error) => {
    const tails = services.map((s, i) => `--- ${['matcher', 'importer'][i]}\n${s.output().slice(-3000)}`);
    throw new Error(`${error.message}\n${tails.join('\n')}`);
  });
  // ... and the rest of it: later changes must not queue behind the initial import.
  const expectedAssets = expectedHuduState(dataset).reduce(
    (sum, c) => sum + c.configurations.length + c.contacts.length,
    0,
  );
  await waitFor(async () => (await huduState()).assets.length >= expectedAssets, {
    what: `the initial sync to import all ${expectedAssets} configurations and contacts`,
    timeoutMs: 300_000,
    intervalMs: 1_000,
  });
  await waitFor(
    async () => (await sim.control<{ callbacks: number }>('GET', '/_sim/state')).callbacks === 3,
    { what: 'the three callbacks to be registered in Manage', timeoutMs: 30_000 },
  );
}, 700_000);

afterAll(async () => {
  await callbacks?.stop();
  await fetcher?.stop();
  await server?.close();
  await callbackPublisher?.disconnect().catch(() => undefined);
  await syncPublisher?.disconnect().catch(() => undefined);
  await proxy?.close();
  for (const service of services) await service.stop();
  await db?.dropDatabase().catch(() => undefined);
  await db?.close();
  await hudu?.close();
  await sim?.stop();
});

describe('Manage callbacks', () => {
  it('registers company, configuration and contact callbacks once (idempotent)', async () => {
    const again = await callbacks.integrationChanged(INTEGRATION);
    expect(again).toEqual({ kept: 3, added: 0, removed: 0 });
    const health = await callbacks.health(INTEGRATION);
    expect(health.registration?.enabled).toBe(true);
    expect(health.registration?.callbackIds).toHaveLength(3);
  });

  it('a configuration changed in Manage reaches Hudu through its signed callback', async () => {
    const serial = `CB-${randomBytes(3).toString('hex')}`;
    await sim.control('PATCH', `/_sim/configurations/${configuration.manageId}`, { serialNumber: serial });
    const asset = await waitFor(
      async () => {
        const found = await assetOf(configuration.name);
        return found?.primary_serial === serial ? found : undefined;
      },
      { what: 'the changed serial number in Hudu', timeoutMs: 60_000 },
    );
    expect(asset.primary_serial).toBe(serial);
    const delivered = (await deliveries()).filter(
      (d) => d.type === 'configuration' && d.recordId === configuration.manageId,
    );
    expect(delivered.at(-1)?.status).toBe(200);
    await waitFor(async () => (await inboxCount()) === 0, { what: 'the inbox to drain' });
  });

  it('a soft-deleted company ends archived in Hudu', async () => {
    const inHudu = async () => (await huduState()).companies.find((c) => c.id_number === deleted.identifier);
    expect((await inHudu())?.archived).toBe(false);
    await sim.control('DELETE', `/_sim/companies/${deleted.manageId}`);
    await waitFor(async () => (await inHudu())?.archived === true, {
      what: `company ${deleted.identifier} archived in Hudu`,
      timeoutMs: 60_000,
    });
  });

  it('rejects unsigned, forged and mis-addressed callbacks with 401 and stores nothing', async () => {
    const keyUrl = `${sim.url}/v2025_1/system/callbackkey/index.rails?companyName=${sim.companyId}&id=unknown`;
    const body = JSON.stringify({
      Action: 'deleted',
      CallbackObjectRecId: 1,
      CompanyId: sim.companyId,
      Entity: null,
      FromUrl: '127.0.0.1',
      ID: configuration.manageId,
      MemberId: 'ApiMember',
      MessageId: randomBytes(8).toString('hex'),
      Metadata: { key_url: keyUrl },
      PartnerId: 'x',
      ProductInstanceId: 'y',
      Type: 'configuration',
    });
    // The registered URL (from Manage's own list) and one with a wrong token.
    const url = `${callbackUrl(baseUrl, INTEGRATION, 'configuration', callbacks.registrar.token(INTEGRATION))}${configuration.manageId}`;
    const wrongToken = `${callbackUrl(baseUrl, INTEGRATION, 'configuration', 'x'.repeat(32))}${configuration.manageId}`;
    // A key server of the attacker's own, and a forged body signed with its key.
    const evil = Fastify();
    evil.get('/key', async () => ({ signing_key: 'attacker-key' }));
    await evil.listen({ port: 0, host: '127.0.0.1' });
    const evilUrl = `http://127.0.0.1:${(evil.server.address() as AddressInfo).port}/key`;
    const selfSigned = JSON.stringify({ ...JSON.parse(body), Metadata: { key_url: evilUrl } });
    const post = async (target: string, payload: string, signature?: string) =>
      (
        await fetch(target, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(signature ? { 'x-content-signature': signature } : {}),
          },
          body: payload,
        })
      ).status;
    try {
      expect(await post(url, body)).toBe(401); // unsigned
      expect(await post(url, body, callbackSignature(body, 'guessed-key'))).toBe(401); // forged
      expect(await post(url, selfSigned, callbackSignature(selfSigned, 'attacker-key'))).toBe(401); // own key URL
      expect(await post(wrongToken, body, callbackSignature(body, 'guessed-key'))).toBe(401);
    } finally {
      await evil.close();
    }
    expect(await inboxCount()).toBe(0);
    // the three with the right token are on record for the admin's callback health; the stranger is not
    await waitFor(
      async () =>
        (await db
          .collection('fetcher_callback_rejections')
          .countDocuments({ integrationId: INTEGRATION })) === 3,
      { what: 'three rejections on record' },
    );
    const metrics = await callbacks.health(INTEGRATION);
    expect(metrics.pending).toBe(0);
    expect(await assetOf(configuration.name)).toBeDefined();
  });

  it('accepts a callback while Kafka is away and delivers it once Kafka is back', async () => {
    const serial = `CB-${randomBytes(3).toString('hex')}`;
    const before = (await deliveries()).length;
    proxy.cut();
    try {
      await sim.control('PATCH', `/_sim/configurations/${configuration.manageId}`, { serialNumber: serial });
      const accepted = await waitFor(
        async () =>
          (await deliveries())
            .slice(before)
            .find((d) => d.type === 'configuration' && d.recordId === configuration.manageId),
        { what: 'the callback to be delivered', timeoutMs: 30_000 },
      );
      expect(accepted.status).toBe(200);
      // accepted, durable, and not yet through: nothing can be published while Kafka is cut
      expect(await inboxCount()).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(await inboxCount()).toBeGreaterThan(0);
      expect((await assetOf(configuration.name))?.primary_serial).not.toBe(serial);
    } finally {
      proxy.restore();
    }
    await waitFor(async () => (await assetOf(configuration.name))?.primary_serial === serial, {
      what: 'the change to reach Hudu once Kafka is back',
      timeoutMs: 120_000,
      intervalMs: 250,
    });
    await waitFor(async () => (await inboxCount()) === 0, { what: 'the inbox to drain', timeoutMs: 30_000 });
  });

  it('removes the callbacks when the admin switches them off, and registers them again when on', async () => {
    const store = new IntegrationStore(db, SecretBox.fromEnvironment(process.env['CWHS_ENCRYPTION_KEYS']));
    const registered = async () => (await sim.control<{ callbacks: number }>('GET', '/_sim/state')).callbacks;
    await store.update(INTEGRATION, {
      options: { continuousSync: { enabled: true, callbacks: false } } as never,
    });
    // (the periodic reconcile may get there first: the outcome counts are not asserted, the state is)
    await callbacks.integrationChanged(INTEGRATION);
    expect(await registered()).toBe(0);
    expect((await callbacks.health(INTEGRATION)).registration?.enabled).toBe(false);
    await store.update(INTEGRATION, {
      options: { continuousSync: { enabled: true, callbacks: true } } as never,
    });
    await callbacks.integrationChanged(INTEGRATION);
    expect(await registered()).toBe(3);
    expect(await callbacks.integrationChanged(INTEGRATION)).toEqual({ kept: 3, added: 0, removed: 0 });
  });
});
