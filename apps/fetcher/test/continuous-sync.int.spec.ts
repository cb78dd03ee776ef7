/**
 * Continuous sync, end to end, against the real broker and FerretDB: the fetcher (and, for the Hudu
 * scenarios, the matcher and importer) as built processes, the Manage simulator as a process, the Hudu
 * simulator in process. Nothing requests a sync here: every run is emitted by the fetchers' schedulers.
 *
 * Needs the built bundles: npx nx run-many -t build -p fetcher matcher importer manage-simulator
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { buildHuduSimulator, type HuduSimulator } from '@cw-hudu-sync/hudu-simulator';
import { IntegrationStore } from '@cw-hudu-sync/integrations';
import { ensureTopics, productTopics } from '@cw-hudu-sync/messaging';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { expectedHuduState, manageDataset } from '@cw-hudu-sync/sample-data';
import { SecretBox } from '@cw-hudu-sync/secrets';
import {
  type ManageSimulatorProcess,
  type ServiceProcess,
  stackAddresses,
  startManageSimulator,
  startServiceProcess,
  testLogger,
  uniqueName,
  waitFor,
  workspaceRoot,
} from '@cw-hudu-sync/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { RunLeaseDocument } from '../src/app/run-lease';

jest.setTimeout(240_000);

const secrets = SecretBox.fromEnvironment(process.env['CWHS_ENCRYPTION_KEYS'] ?? '');
const dataset = manageDataset({ size: 'small', seed: 1 });

interface Stack {
  namespace: string;
  mongoUrl: string;
  db: Connection;
  integrations: IntegrationStore;
  env: Record<string, string>;
}

async function stack(prefix: string): Promise<Stack> {
  const { kafkaBrokers, mongoUrl: base } = stackAddresses();
  const namespace = uniqueName(prefix);
  const url = new URL(base);
  url.pathname = `/${namespace.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const mongoUrl = url.toString();
  const kafka = new Kafka({
    clientId: 'continuous-sync-test',
    brokers: kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  await ensureTopics(kafka, productTopics(2, namespace));
  const db = await connectDatabase({ url: mongoUrl, logger: testLogger() });
  return {
    namespace,
    mongoUrl,
    db,
    integrations: new IntegrationStore(db, secrets),
    env: {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      MONGO_URL: mongoUrl,
      KAFKA_TOPIC_NAMESPACE: namespace,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'info',
    },
  };
}

async function createIntegration(
  s: Stack,
  id: string,
  manage: ManageSimulatorProcess,
  huduUrl: string,
  options: Record<string, unknown>,
) {
  await s.integrations.create({
    id,
    name: id,
    manage: {
      siteUrl: manage.url,
      companyId: manage.companyId,
      publicKey: manage.publicKey,
      privateKey: manage.privateKey,
      clientId: 'continuous-sync-test',
    },
    hudu: { baseUrl: huduUrl, apiKey: 'hudu-sim-key' },
    options,
  });
}

const leases = (s: Stack, integrationId: string) =>
  s.db
    .collection<RunLeaseDocument>('fetcher_run_leases')
    .find({ integrationId })
    .sort({ epoch: 1 })
    .toArray();

/** Run intervals of one integration, in lease order: each must end before the next begins. */
function overlaps(history: RunLeaseDocument[]): string[] {
  const problems: string[] = [];
  for (let i = 1; i < history.length; i++) {
    const previous = history[i - 1]!;
    const current = history[i]!;
    // A holder that died never released: it ran at most until its lease expired.
    const end = (previous.releasedAt ?? previous.expiresAt).getTime();
    if (current.acquiredAt.getTime() < end)
      problems.push(
        `epoch ${current.epoch} (${current.holder}, ${current.runId}) started ${end - current.acquiredAt.getTime()} ms ` +
          `before epoch ${previous.epoch} (${previous.holder}, ${previous.runId}) ended`,
      );
  }
  return problems;
}

/** The services' output, for a failed run: tmp/continuous-sync/<scenario>-<service>.log. */
function dumpLogs(scenario: string, services: ServiceProcess[], names: string[]) {
  const dir = path.join(workspaceRoot, 'tmp', 'continuous-sync');
  fs.mkdirSync(dir, { recursive: true });
  services.forEach((service, i) =>
    fs.writeFileSync(path.join(dir, `${scenario}-${names[i] ?? i}.log`), service.output()),
  );
}

/** Few Hudu writes (the importer goes through Hudu's request budget): no contacts, one configuration type. */
const syncOptions = {
  skipContacts: true,
  skippedConfigurationTypeIds: dataset.configurationTypes.slice(1).map((type) => type.id),
};
const expected = expectedHuduState(dataset, syncOptions);

describe('continuous sync: polling and reconcile into Hudu (callbacks off)', () => {
  let s: Stack;
  let manage: ManageSimulatorProcess;
  let hudu: HuduSimulator;
  let huduUrl: string;
  const services: ServiceProcess[] = [];
  const id = 'polled';

  beforeAll(async () => {
    s = await stack('contsync');
    manage = await startManageSimulator();
    hudu = buildHuduSimulator({ rateLimit: { limit: 1_000_000 } });
    huduUrl = await hudu.listen({ host: '127.0.0.1' });
    for (const name of ['fetcher', 'matcher', 'importer'])
      services.push(
        await startServiceProcess(name, {
          ...s.env,
          FETCHER_SCHEDULER_TICK_MS: '250',
          FETCHER_OVERLAP_SECONDS: '5',
        }),
      );
    await createIntegration(s, id, manage, huduUrl, {
      ...syncOptions,
      matchPolicy: 'auto-create',
      continuousSync: {
        enabled: true,
        pollIntervalSeconds: 2,
        reconcile: { everySeconds: 86_400 },
        callbacks: false,
      },
    });
  }, 180_000);

  afterAll(async () => {
    dumpLogs('polled', services, ['fetcher', 'matcher', 'importer']);
    await Promise.all(services.map((service) => service.stop()));
    await manage?.stop();
    await hudu?.close();
    await s?.db.dropDatabase().catch(() => undefined);
    await s?.db.close();
  });

  const state = () => hudu.store.snapshot(huduUrl);

  it('switching continuous sync on runs a first full reconcile, then polls; a changed configuration reaches Hudu', async () => {
    // The first slot of the (daily) reconcile is due at once: it fills Hudu.
    const expectedNames = expected.flatMap((company) => company.configurations.map((c) => c.name));
    expect(expectedNames.length).toBeGreaterThan(0);
    await waitFor(() => state().assets.filter((a) => !a.archived).length === expectedNames.length, {
      what: `the first reconcile to import the ${expectedNames.length} configurations into Hudu`,
      timeoutMs: 150_000,
      intervalMs: 500,
    });
    const configurations = [...dataset.configurations()];
    const picked = configurations.find(
      (c) =>
        expectedNames.filter((n) => n === c.name).length === 1 &&
        configurations.filter((other) => other.name === c.name).length === 1,
    )!;
    expect(picked).toBeDefined();
    // Polls run every 2 s from now on (scheduled runs of kind poll appear).
    await waitFor(
      async () =>
        (await s.db.collection('runs').countDocuments({ integrationId: id, mode: 'incremental' })) > 0,
      { what: 'a scheduled poll', timeoutMs: 30_000 },
    );

    const renamed = `${picked.name} (renamed ${randomBytes(3).toString('hex')})`;
    await manage.control('PATCH', `/_sim/configurations/${picked.id}`, { name: renamed });
    await waitFor(() => state().assets.some((a) => a.name === renamed && !a.archived), {
      what: `"${renamed}" in Hudu through polling alone`,
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    expect(state().assets.filter((a) => a.name === picked.name && !a.archived)).toHaveLength(0);
    // callbacks were off: Manage never delivered one
    expect(await manage.control<unknown[]>('GET', '/_sim/callbacks/deliveries')).toEqual([]);
  });

  it('a reconcile archives a company deleted without a lastUpdated change (invisible to polling)', async () => {
    const company = await waitFor(
      () => {
        const live = state().companies.filter((c) => !c.archived && c.id_number);
        return dataset.companies.find(
          (m) => !m.deletedFlag && live.some((c) => c.id_number === m.identifier),
        );
      },
      { what: 'an imported company', timeoutMs: 30_000 },
    );
    // A deletion (or merge) that keeps the old lastUpdated is invisible to polling: push the companies'
    // watermark past the deletion's stamp, so that polls read nothing of it, exactly as in that case.
    const watermarks = s.db.collection<{ _id: string; lastUpdated: string }>('fetcher_watermarks');
    await watermarks.updateOne(
      { _id: `${id}:company` },
      { $set: { lastUpdated: new Date(Date.now() + 86_400_000).toISOString() } },
      { upsert: true },
    );
    await manage.control('DELETE', `/_sim/companies/${company.id}`);
    const archived = () =>
      state().companies.find((c) => c.id_number === company.identifier)?.archived === true;

    // Several polls go by without noticing.
    const pollsBefore = await s.db
      .collection('runs')
      .countDocuments({ integrationId: id, mode: 'incremental' });
    await waitFor(
      async () =>
        (await s.db.collection('runs').countDocuments({ integrationId: id, mode: 'incremental' })) >=
        pollsBefore + 3,
      { what: 'three more polls', timeoutMs: 60_000 },
    );
    expect(archived()).toBe(false);

    // The reconcile comes round (here: every 10 s) and archives it.
    await s.integrations.update(id, { options: { continuousSync: { reconcile: { everySeconds: 10 } } } });
    await waitFor(archived, { what: 'the deleted company archived by the reconcile', timeoutMs: 90_000 });
    const reconciles = await s.db.collection('runs').countDocuments({
      integrationId: id,
      mode: 'full',
      _id: { $regex: /^sched-polled-reconcile-/ } as never,
    });
    expect(reconciles).toBeGreaterThanOrEqual(2);
    expect(overlaps(await leases(s, id))).toEqual([]);
  });
});

describe('continuous sync with two fetcher processes', () => {
  let s: Stack;
  let manage: ManageSimulatorProcess;
  const fetchers: ServiceProcess[] = [];
  const id = 'twofold';

  beforeAll(async () => {
    s = await stack('contsync2');
    // Every Manage call takes 150 ms and pages are small: a full run lasts several seconds.
    manage = await startManageSimulator({ MANAGE_SIM_FAULTS: JSON.stringify({ slowMs: 150 }) });
    const env = {
      ...s.env,
      FETCHER_SCHEDULER_TICK_MS: '250',
      FETCHER_PAGE_SIZE: '10',
      FETCHER_LEASE_TTL_MS: '4000',
      FETCHER_SESSION_TIMEOUT_MS: '6000',
    };
    fetchers.push(await startServiceProcess('fetcher', env), await startServiceProcess('fetcher', env));
    await createIntegration(s, id, manage, 'http://127.0.0.1:9', {
      continuousSync: {
        enabled: true,
        pollIntervalSeconds: 2,
        reconcile: { everySeconds: 86_400 },
        callbacks: false,
      },
    });
  }, 180_000);

  afterAll(async () => {
    dumpLogs('twofold', fetchers, ['fetcher-a', 'fetcher-b']);
    await Promise.all(fetchers.map((f) => f.stop('SIGKILL')));
    await manage?.stop();
    await s?.db.dropDatabase().catch(() => undefined);
    await s?.db.close();
  });

  it('each slot is emitted once, runs never overlap, and a killed owner’s run is taken over and completes', async () => {
    // The first reconcile (a full run) starts on one of the two.
    const running = await waitFor(
      async () =>
        (await leases(s, id)).find((l) => l.runId.startsWith(`sched-${id}-reconcile-`) && !l.releasedAt),
      { what: 'the first reconcile to start', timeoutMs: 60_000, intervalMs: 100 },
    );
    const owner = fetchers.find((f) => running.holder.endsWith(`:${f.child.pid}`));
    expect(owner).toBeDefined();
    // Let it publish a few pages, then kill it mid-run.
    await waitFor(
      async () => (await s.db.collection('fetcher_snapshots').countDocuments({ integrationId: id })) >= 20,
      { what: 'the reconcile to be under way', timeoutMs: 60_000, intervalMs: 100 },
    );
    const reconcile = await s.db.collection('runs').findOne({ _id: running.runId as never });
    expect(reconcile?.['stage']).toBe('fetching');
    owner!.child.kill('SIGKILL');

    // The other fetcher gets the command again (uncommitted), waits out the dead owner's lease, resumes.
    const survivor = fetchers.find((f) => f !== owner)!;
    const takenOver = await waitFor(
      async () =>
        (await leases(s, id)).find(
          (l) =>
            l.runId === running.runId &&
            l.outcome === 'completed' &&
            l.holder.endsWith(`:${survivor.child.pid}`),
        ),
      { what: 'the killed run taken over and completed', timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(takenOver.epoch).toBeGreaterThan(running.epoch);
    const killed = (await leases(s, id)).find((l) => l.epoch === running.epoch)!;
    expect(killed.releasedAt).toBeUndefined(); // it died holding the lease
    expect(takenOver.acquiredAt.getTime()).toBeGreaterThanOrEqual(killed.expiresAt.getTime());
    const run = await s.db.collection('runs').findOne({ _id: running.runId as never });
    expect(run?.['stage']).toBe('importing'); // fetching done (stored stage); downstream would go on from here

    // Polls keep coming (from the survivor's scheduler); each slot was claimed and published once.
    await waitFor(
      async () =>
        (await leases(s, id)).filter(
          (l) => l.runId.startsWith(`sched-${id}-poll-`) && l.outcome === 'completed',
        ).length >= 3,
      { what: 'polls after the takeover', timeoutMs: 60_000 },
    );
    const slots = await s.db.collection('sync_schedule_slots').find({ integrationId: id }).toArray();
    expect(new Set(slots.map((slot) => slot['_id'])).size).toBe(slots.length);
    const claimers = new Set(slots.map((slot) => slot['claimedBy']));
    expect(claimers.size).toBeGreaterThanOrEqual(1);

    const history = await leases(s, id);
    expect(overlaps(history)).toEqual([]);
    // only the killed process left a lease unreleased; every other run ended and said so (but the latest,
    // which may still be running)
    const latest = history[history.length - 1]!;
    expect(
      history.filter((l) => !l.releasedAt && l.holder !== running.holder && l.epoch !== latest.epoch),
    ).toEqual([]);
  });
});
