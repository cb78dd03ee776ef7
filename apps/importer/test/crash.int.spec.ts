/**
 * Issue #4's crash test, on the batch path: the built importer as a child process drains a burst of events
 * put straight on Kafka (no fetcher), is SIGKILLed in the middle of its Hudu creates, and is started
 * again. Hudu must end with exactly the expected assets: none duplicated, none missing, each record linked
 * to its own asset.
 */
import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import {
  createEvent,
  type Envelope,
  type ManageConfiguration,
  type ManageContact,
} from '@cw-hudu-sync/contracts';
import { buildHuduSimulator, type HuduSimulator } from '@cw-hudu-sync/hudu-simulator';
import { IntegrationStore, RunStore } from '@cw-hudu-sync/integrations';
import { createKafka, ensureTopics, EventPublisher, productTopics } from '@cw-hudu-sync/messaging';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { SecretBox } from '@cw-hudu-sync/secrets';
import {
  isolatedMongoUrl,
  type ServiceProcess,
  stackAddresses,
  startServiceProcess,
  testLogger,
  uniqueName,
  waitFor,
} from '@cw-hudu-sync/testing';

const logger = testLogger('importer-crash-test');
const COMPANIES = 6;
const CONFIGURATIONS_PER_COMPANY = 30;
const CONTACTS_PER_COMPANY = 10;

let kafka: Kafka;
let publisher: EventPublisher;
let db: Connection;
let sim: HuduSimulator;
const children: ServiceProcess[] = [];

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop('SIGKILL')));
  await publisher?.disconnect();
  await db?.dropDatabase().catch(() => undefined);
  await db?.close();
  await sim?.close();
});

it('ends with exactly the expected assets after a SIGKILL in the middle of a burst', async () => {
  const namespace = uniqueName('crash');
  kafka = createKafka({ brokers: stackAddresses().kafkaBrokers, clientId: 'importer-crash-test', logger });
  await ensureTopics(kafka, productTopics(2, namespace));
  publisher = new EventPublisher(kafka, logger, { namespace });
  await publisher.connect();
  const mongoUrl = isolatedMongoUrl('crash');
  db = await connectDatabase({ url: mongoUrl, logger });
  const keys = `k1:${randomBytes(32).toString('base64')}`;
  const integrations = new IntegrationStore(db, SecretBox.fromEnvironment(keys));
  sim = buildHuduSimulator({ apiKeys: ['crash-key'], seed: { seed: 7, manageCompanies: [] } });
  // Slow creates, so the kill lands among them (some answered, some in flight, some not sent).
  sim.faults.set([{ kind: 'delay', method: 'POST', pathPrefix: '/companies/', delayMs: 40 }]);
  const origin = await sim.listen();
  const id = uniqueName('crash').toLowerCase();
  await integrations.create({
    id,
    name: 'crash test',
    manage: {
      siteUrl: 'http://127.0.0.1:9',
      companyId: 'mymsp',
      publicKey: 'pub',
      privateKey: 'priv',
      clientId: 'client',
    },
    hudu: { baseUrl: origin, apiKey: 'crash-key' },
    options: {
      skipInactiveCompanies: false,
      skipContacts: false,
      skipConfigurations: false,
      skippedConfigurationTypeIds: [],
      configurationLayout: 'Configurations',
      contactLayout: 'Contacts',
      matchPolicy: 'auto-create',
    },
  });
  const runId = RunStore.newRunId();
  await new RunStore(db).start(runId, id, 'full');
  const ctx = { integrationId: id, runId };
  const hash = (n: number) => n.toString(16).padStart(32, '0');

  const events: Envelope[] = [];
  const expectedNames = new Set<string>();
  for (let c = 1; c <= COMPANIES; c++) {
    const companyId = 7000 + c;
    const company = {
      id: companyId,
      identifier: `CR${companyId}`,
      name: `Crash Co ${c}`,
      inactive: false,
      deleted: false,
      typeNames: ['Client'],
    };
    events.push(
      createEvent('CompanyMatched', ctx, {
        manageCompanyId: companyId,
        decision: 'create',
        company,
        contentHash: hash(companyId),
        decidedBy: 'policy:auto-create',
        reasons: [],
      }),
    );
    for (let i = 0; i < CONFIGURATIONS_PER_COMPANY; i++) {
      const manageId = companyId * 100 + i;
      // Every third one without a serial: only the pending-create mark can prevent its duplicate.
      const configuration: ManageConfiguration = {
        id: manageId,
        companyId,
        name: `Crash PC ${manageId}`,
        typeId: 1,
        typeName: 'Workstation',
        statusName: 'Active',
        active: true,
        ...(i % 3 === 0 ? {} : { serialNumber: `CSN-${manageId}` }),
      };
      expectedNames.add(configuration.name);
      events.push(
        createEvent('ConfigurationFetched', ctx, {
          manageId,
          companyManageId: companyId,
          contentHash: hash(manageId),
          configuration,
        }),
      );
    }
    for (let i = 0; i < CONTACTS_PER_COMPANY; i++) {
      const manageId = 900_000 + companyId * 100 + i;
      const contact: ManageContact = {
        id: manageId,
        companyId,
        firstName: 'Crash',
        lastName: `Person ${manageId}`,
        ...(i % 2 === 0 ? { email: `p${manageId}@crash.example` } : {}),
        inactive: false,
        primary: false,
      };
      expectedNames.add(`Crash Person ${manageId}`);
      events.push(
        createEvent('ContactFetched', ctx, {
          manageId,
          companyManageId: companyId,
          contentHash: hash(manageId),
          contact,
        }),
      );
    }
  }
  await publisher.publish(events);
  const expected = COMPANIES * (CONFIGURATIONS_PER_COMPANY + CONTACTS_PER_COMPANY);
  const assetsNow = () => [...sim.store.assets.values()].filter((a) => expectedNames.has(a.name));

  const env = {
    KAFKA_BROKERS: stackAddresses().kafkaBrokers.join(','),
    KAFKA_TOPIC_NAMESPACE: namespace,
    MONGO_URL: mongoUrl,
    CWHS_ENCRYPTION_KEYS: keys,
    LOG_LEVEL: 'warn',
  };
  const first = await startServiceProcess('importer', env);
  children.push(first);
  await waitFor(() => assetsNow().length >= expected / 4, {
    what: 'a quarter of the burst in Hudu',
    timeoutMs: 90_000,
    intervalMs: 5,
  });
  await first.stop('SIGKILL');
  const atKill = assetsNow().length;
  expect(atKill).toBeLessThan(expected); // killed in the middle

  const second = await startServiceProcess('importer', env);
  children.push(second);
  const linked = async () =>
    db.collection('importer_records').countDocuments({ integrationId: id, huduAssetId: { $exists: true } });
  await waitFor(async () => (await linked()) >= expected, {
    what: 'every record linked after the restart',
    timeoutMs: 150_000,
  });
  await second.stop();

  const assets = assetsNow();
  const names = assets.map((a) => a.name);
  expect(new Set(names).size).toBe(names.length); // no duplicate
  expect(names.sort()).toEqual([...expectedNames].sort()); // nothing missing
  const links = await db.collection('importer_records').find({ integrationId: id }).toArray();
  expect(links).toHaveLength(expected);
  expect(new Set(links.map((l) => l['huduAssetId'])).size).toBe(expected); // one asset per record
}, 300_000);
