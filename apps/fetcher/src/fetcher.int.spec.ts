import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { createEvent, type Envelope, TOPICS } from '@cw-hudu-sync/contracts';
import { IntegrationStore, RunStore } from '@cw-hudu-sync/integrations';
import { ManageClient } from '@cw-hudu-sync/manage-client';
import {
  createKafka,
  ensureTopics,
  EventConsumer,
  EventPublisher,
  productTopics,
} from '@cw-hudu-sync/messaging';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { isolatedMongoUrl, stackAddresses, testLogger, uniqueName, waitFor } from '@cw-hudu-sync/testing';
import { startManageSimulator, type ManageSimulatorProcess } from '@cw-hudu-sync/testing';
import { type Fetcher, startFetcher } from './app/fetcher';

/**
 * The fetcher in-process against the real broker, the real MongoDB-protocol server and the Manage
 * simulator as a built process (small dataset: 20 companies, 200 configurations, 60 contacts).
 */
const logger = testLogger('fetcher-test');
const PAGE_SIZE = 37; // several pages per kind, the last one partial

let sim: ManageSimulatorProcess;
let kafka: Kafka;
let db: Connection;
let namespace: string;
let publisher: EventPublisher;
let fetcher: Fetcher;
let collector: EventConsumer;
let integrations: IntegrationStore;
let runs: RunStore;
let manage: ManageClient;
const received: Envelope[] = [];

/** The integration every full-dataset test uses; skips one configuration type. */
const MAIN = `fetch-${randomBytes(3).toString('hex')}`;
const SKIPPED_TYPE = 3;

beforeAll(async () => {
  sim = await startManageSimulator({ MANAGE_SIM_SIZE: 'small' });
  kafka = createKafka({ brokers: stackAddresses().kafkaBrokers, clientId: 'fetcher-int-test', logger });
  namespace = uniqueName('fetcher');
  await ensureTopics(kafka, productTopics(2, namespace));
  publisher = new EventPublisher(kafka, logger, { namespace });
  await publisher.connect();
  db = await connectDatabase({ url: isolatedMongoUrl('fetcher'), logger });
  const secrets = new SecretBox([{ id: 'k1', key: randomBytes(32) }]);
  integrations = new IntegrationStore(db, secrets);
  runs = new RunStore(db);
  manage = new ManageClient({
    siteUrl: sim.url,
    companyId: sim.companyId,
    publicKey: sim.publicKey,
    privateKey: sim.privateKey,
    clientId: 'fetcher-int-test',
  });
  await addIntegration(MAIN, { skippedConfigurationTypeIds: [SKIPPED_TYPE] });

  collector = new EventConsumer({
    kafka,
    groupId: uniqueName('collector'),
    namespace,
    topics: [TOPICS.manageRecords],
    publisher,
    logger,
    handler: async (event) => void received.push(event),
  });
  await collector.start();
  fetcher = await startFetcher({
    kafka,
    db,
    publisher,
    secrets,
    logger,
    namespace,
    groupId: uniqueName('fetcher'),
    manageClientOptions: { pageSize: PAGE_SIZE, attempts: 2, backoff: { initialMs: 10, maxMs: 50 } },
    overlapSeconds: 60,
    maxAttempts: 2,
    backoff: { initialMs: 50, maxMs: 200 },
  });
});

afterAll(async () => {
  await fetcher?.stop();
  await collector?.stop();
  await publisher?.disconnect();
  await manage?.close();
  await db?.dropDatabase().catch(() => undefined);
  await db?.close();
  await sim?.stop();
});

async function addIntegration(id: string, options: Record<string, unknown>, privateKey = sim.privateKey) {
  await integrations.create({
    id,
    name: id,
    manage: {
      siteUrl: sim.url,
      companyId: sim.companyId,
      publicKey: sim.publicKey,
      privateKey,
      clientId: 'test',
    },
    hudu: { baseUrl: 'http://127.0.0.1:9', apiKey: 'unused' },
    options: { ...options } as never,
  });
}

/** Requests a sync and returns the record events it published, once its FetchCompleted has arrived. */
async function sync(integrationId: string, payload: { mode?: 'full' | 'incremental'; force?: boolean } = {}) {
  const runId = uniqueName('run');
  await publisher.publish(
    createEvent(
      'SyncRequested',
      { integrationId, runId },
      { mode: payload.mode ?? 'full', force: payload.force ?? false, requestedBy: 'test' },
    ),
  );
  const completed = await waitFor(
    () => received.find((e) => e.runId === runId && e.type === 'FetchCompleted'),
    {
      what: `FetchCompleted of ${runId}`,
      timeoutMs: 90_000,
    },
  );
  const events = received.filter((e) => e.runId === runId && e.type !== 'FetchCompleted');
  const ofType = (type: string) => events.filter((e) => e.type === type);
  return { runId, completed, events, ofType };
}

async function all<T>(pages: AsyncIterable<{ records: T[] }>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page.records);
  return out;
}

describe('fetcher against the Manage simulator', () => {
  let deletedCompanies: number;
  let skippedConfigurations: number;

  beforeAll(async () => {
    // What the simulator holds, counted here through the client, independently of the fetcher.
    const companies = await all(manage.pages('companies'));
    expect(companies).toHaveLength(20);
    deletedCompanies = companies.filter((c) => c.deletedFlag === true).length;
    skippedConfigurations = await manage.count('configurations', { conditions: `type/id = ${SKIPPED_TYPE}` });
    expect(skippedConfigurations).toBeGreaterThan(0);
  });

  it('publishes every record on a first full sync, skipped types left out, companies before their records', async () => {
    const run = await sync(MAIN);
    expect(run.ofType('CompanyFetched')).toHaveLength(20 - deletedCompanies);
    expect(run.ofType('CompanyRemoved')).toHaveLength(deletedCompanies);
    expect(run.ofType('CompanyRemoved').every((e) => e.payload['reason'] === 'deleted')).toBe(true);
    expect(run.ofType('ConfigurationFetched')).toHaveLength(200 - skippedConfigurations);
    expect(run.ofType('ContactFetched')).toHaveLength(60);
    expect(
      run
        .ofType('ConfigurationFetched')
        .some((e) => (e.payload['configuration'] as { typeId: number }).typeId === SKIPPED_TYPE),
    ).toBe(false);

    // One key (the integration), one partition: companies arrive before any configuration or contact.
    const lastCompany = run.events.map((e) => e.type).lastIndexOf('CompanyFetched');
    const firstRecord = run.events.findIndex(
      (e) => e.type !== 'CompanyFetched' && e.type !== 'CompanyRemoved',
    );
    expect(lastCompany).toBeLessThan(firstRecord);

    const counts = run.completed.payload['counts'] as Record<string, number>;
    expect(counts).toMatchObject({
      'company.read': 20,
      'configuration.read': 200,
      'configuration.skipped': skippedConfigurations,
      'contact.read': 60,
      'contact.fetched': 60,
    });
    const view = await runs.get(run.runId);
    // fetching is over; downstream goes on (the run view says completed once every emitted record is handled)
    expect(['importing', 'completed']).toContain(view?.stage);
    expect(view?.counts['configuration']).toMatchObject({
      fetched: 200 - skippedConfigurations,
      skipped: skippedConfigurations,
    });
    expect(view?.errors).toEqual([]);
  });

  it('lists the configuration types with counts in FetchCompleted and on the integration', async () => {
    const run = await sync(MAIN);
    const types = run.completed.payload['configurationTypes'] as Array<{
      id: number;
      name: string;
      count: number;
    }>;
    const listed = await all(manage.pages('configurationTypes'));
    expect(types.map((t) => t.id)).toEqual(listed.map((t) => t.id).sort((a, b) => a - b));
    expect(types.reduce((sum, t) => sum + t.count, 0)).toBe(200);
    for (const type of types) {
      expect(type.count).toBe(await manage.count('configurations', { conditions: `type/id = ${type.id}` }));
    }
    expect((await integrations.get(MAIN))?.discoveredConfigurationTypes).toEqual(types);
  });

  it('publishes nothing for a second sync with nothing changed, nor for a save that changed nothing', async () => {
    await sim.control('POST', '/_sim/configurations/touch', { count: 3 });
    const run = await sync(MAIN);
    expect(run.events).toEqual([]);
    expect((run.completed.payload['counts'] as Record<string, number>)['configuration.unchanged']).toBe(
      200 - skippedConfigurations,
    );
  });

  it('publishes exactly the one configuration changed in Manage', async () => {
    const target = (
      await all(manage.pages('configurations', { conditions: `type/id != ${SKIPPED_TYPE}` }))
    )[5]!;
    await sim.control('PATCH', `/_sim/configurations/${target.id}`, { serialNumber: 'CHANGED-0001' });
    const run = await sync(MAIN);
    expect(run.events.map((e) => e.type)).toEqual(['ConfigurationFetched']);
    expect(run.events[0]!.payload).toMatchObject({
      manageId: target.id,
      companyManageId: target.company?.id,
      configuration: { serialNumber: 'CHANGED-0001' },
    });
  });

  it('reports a soft-deleted company as CompanyRemoved (deleted), once', async () => {
    const companies = (await all(manage.pages('companies'))).filter((c) => c.deletedFlag !== true);
    const target = companies[companies.length - 1]!;
    await sim.control('DELETE', `/_sim/companies/${target.id}`);
    const run = await sync(MAIN);
    expect(run.events.map((e) => [e.type, e.payload['manageId'], e.payload['reason']])).toEqual([
      ['CompanyRemoved', target.id, 'deleted'],
    ]);
    expect((await sync(MAIN)).events).toEqual([]);
  });

  it('reports a record gone from Manage as …Removed (missing) after a full sync, once', async () => {
    const contacts = await all(manage.pages('contacts'));
    const target = contacts[0]!;
    await sim.control('DELETE', `/_sim/contacts/${target.id}`);
    const incremental = await sync(MAIN, { mode: 'incremental' });
    expect(incremental.ofType('ContactRemoved')).toEqual([]); // only a full sync can tell what is missing
    const run = await sync(MAIN);
    expect(
      run.events.map((e) => [
        e.type,
        e.payload['manageId'],
        e.payload['companyManageId'],
        e.payload['reason'],
      ]),
    ).toEqual([['ContactRemoved', target.id, target.company?.id, 'missing']]);
    expect((await sync(MAIN)).events).toEqual([]);
  });

  it('reads only what changed after the watermark on an incremental sync', async () => {
    const target = (await all(manage.pages('contacts')))[3]!;
    await sim.control('PATCH', `/_sim/contacts/${target.id}`, { title: 'Chief Coffee Officer' });
    const run = await sync(MAIN, { mode: 'incremental' });
    expect(run.events.map((e) => [e.type, e.payload['manageId']])).toEqual([['ContactFetched', target.id]]);
    expect(run.events[0]!.payload['contact']).toMatchObject({ title: 'Chief Coffee Officer' });
    const counts = run.completed.payload['counts'] as Record<string, number>;
    expect(counts['contact.read']).toBeLessThan(10);
    expect(counts['configuration.read'] ?? 0).toBeLessThan(10);
    expect(run.completed.payload['mode']).toBe('incremental');
  });

  it('re-emits everything when forced', async () => {
    const run = await sync(MAIN, { force: true });
    const companies = await all(manage.pages('companies'));
    const deleted = companies.filter((c) => c.deletedFlag === true).length;
    expect(run.ofType('CompanyFetched')).toHaveLength(companies.length - deleted);
    expect(run.ofType('CompanyRemoved')).toHaveLength(deleted);
    expect(run.ofType('ConfigurationFetched')).toHaveLength(200 - skippedConfigurations);
    expect(run.ofType('ContactFetched')).toHaveLength(59);
    // …and hashes are stable: the forced events carry the hashes a normal run would compare against.
    expect((await sync(MAIN)).events).toEqual([]);
  });
});

describe('fetcher options and failures', () => {
  it('does not read skipped kinds at all', async () => {
    const id = `skip-${randomBytes(3).toString('hex')}`;
    await addIntegration(id, { skipContacts: true, skipConfigurations: true });
    await sim.control('DELETE', '/_sim/counters');
    const run = await sync(id);
    expect(run.ofType('ContactFetched')).toEqual([]);
    expect(run.ofType('ConfigurationFetched')).toEqual([]);
    expect(run.ofType('CompanyFetched').length).toBeGreaterThan(0);
    expect(run.completed.payload['configurationTypes']).toEqual([]);
    const routes = Object.keys(await sim.control<Record<string, number>>('GET', '/_sim/counters'));
    expect(routes.some((r) => r.includes('company/companies'))).toBe(true);
    expect(
      routes.filter((r) => r.includes('company/contacts') || r.includes('company/configurations')),
    ).toEqual([]);
  });

  it('retries a sync Manage failed transiently, and a redelivered request publishes nothing twice', async () => {
    const id = `retry-${randomBytes(3).toString('hex')}`;
    await addIntegration(id, { skipContacts: true, skipConfigurations: true });
    const companies = await all(manage.pages('companies'));
    const deleted = companies.filter((c) => c.deletedFlag === true).length;
    // The client tries each call twice: two 503s fail the first attempt of the sync; the consumer retries it.
    await sim.control('PUT', '/_sim/faults', { failNext: 2, failStatus: 503 });
    const runId = uniqueName('run');
    const request = createEvent(
      'SyncRequested',
      { integrationId: id, runId },
      { mode: 'full', force: false, requestedBy: 'test' },
    );
    await publisher.publish(request);
    await publisher.publish(request); // the same event again, as a redelivery would bring it
    await waitFor(
      () => received.filter((e) => e.runId === runId && e.type === 'FetchCompleted').length === 2,
      { what: 'both deliveries to complete', timeoutMs: 60_000 },
    );
    const types = received.filter((e) => e.runId === runId).map((e) => e.type);
    expect(types.filter((t) => t === 'CompanyFetched')).toHaveLength(companies.length - deleted);
    expect(types.filter((t) => t === 'CompanyRemoved')).toHaveLength(deleted);
    expect((await runs.get(runId))?.errors).toEqual([]);
    expect(await sim.control<{ failNext?: number }>('GET', '/_sim/faults')).toMatchObject({ failNext: 0 });
    await sim.control('PUT', '/_sim/faults', {});
  });

  it('fails the run with the reason when Manage refuses the credentials, publishing nothing', async () => {
    const id = `badkey-${randomBytes(3).toString('hex')}`;
    await addIntegration(id, {}, 'wrong-private-key');
    const runId = uniqueName('run');
    await publisher.publish(
      createEvent(
        'SyncRequested',
        { integrationId: id, runId },
        { mode: 'full', force: false, requestedBy: 'test' },
      ),
    );
    const view = await waitFor(
      async () => {
        const found = await runs.get(runId);
        return found?.stage === 'failed' ? found : undefined;
      },
      { what: 'the run to fail', timeoutMs: 60_000 },
    );
    expect(view.errors).toHaveLength(1);
    expect(view.errors[0]).toMatchObject({ service: 'fetcher', reason: expect.stringContaining('401') });
    expect(view.errors[0]!.reason).not.toContain('wrong-private-key');
    expect(received.filter((e) => e.runId === runId)).toEqual([]);
  });
});
