/**
 * Importer profiling harness (issue #7): where does a record's time go?
 *
 * Real Kafka and FerretDB (KAFKA_BROKERS, MONGO_URL), an in-process Hudu simulator (unthrottled), the importer
 * in this process. Phase 1 decides (creates) the companies of a slice of the medium dataset; the importer is
 * stopped; phase 2 puts every configuration and contact of those companies on Kafka as a backlog, starts the
 * importer again and times how long it takes to drain it. Timers wrap every FerretDB call (driver level),
 * every Hudu HTTP request (undici level) and every Kafka publish/commit.
 *
 *   npx esbuild apps/importer/test/profile.ts --bundle --platform=node --packages=external \
 *     --tsconfig=tsconfig.base.json --outfile=/tmp/perf/profile.js
 *   PROFILE_COMPANIES=40 node [--cpu-prof --cpu-prof-dir=/tmp/perf] /tmp/perf/profile.js
 *
 * Env: PROFILE_SIZE (medium|large, default medium), PROFILE_COMPANIES (how many companies of the dataset,
 * default all), PROFILE_HUDU_RPM (the importer's Hudu request budget per minute, default 1,000,000).
 */
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Collection, FindCursor, AggregationCursor } from 'mongodb';
import { Pool } from 'undici';
import { createEvent, type Envelope } from '@cw-hudu-sync/contracts';
import type { ManageCompany, ManageConfiguration, ManageContact } from '@cw-hudu-sync/contracts';
import { buildHuduSimulator } from '@cw-hudu-sync/hudu-simulator';
import { IntegrationStore, RunStore } from '@cw-hudu-sync/integrations';
import {
  createKafka,
  ensureTopics,
  EventConsumer,
  EventPublisher,
  productTopics,
} from '@cw-hudu-sync/messaging';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { manageDataset, type ManageDatasetSize } from '@cw-hudu-sync/sample-data';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { isolatedMongoUrl, stackAddresses, testLogger, uniqueName } from '@cw-hudu-sync/testing';
import { startImporter } from '../src/app/importer';

type Timer = { n: number; ms: number };
const timers = new Map<string, Timer>();
function time<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const done = () => {
    const t = timers.get(label) ?? { n: 0, ms: 0 };
    t.n += 1;
    t.ms += performance.now() - started;
    timers.set(label, t);
  };
  return work().then(
    (value) => (done(), value),
    (error: unknown) => {
      done();
      throw error;
    },
  );
}

/** Wraps a prototype method with a timer labelled `category:method`. */
function instrument(proto: object, methods: string[], category: string) {
  const target = proto as Record<string, unknown>;
  for (const method of methods) {
    const original = target[method];
    if (typeof original !== 'function') continue;
    target[method] = function (this: unknown, ...args: unknown[]) {
      const result = (original as (...a: unknown[]) => unknown).apply(this, args);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        return time(`${category}:${method}`, () => result as Promise<unknown>);
      }
      return result;
    };
  }
}

instrument(
  Collection.prototype,
  [
    'findOne',
    'updateOne',
    'updateMany',
    'insertOne',
    'insertMany',
    'deleteOne',
    'deleteMany',
    'bulkWrite',
    'countDocuments',
  ],
  'db',
);
instrument(FindCursor.prototype, ['toArray'], 'db:find');
instrument(AggregationCursor.prototype, ['toArray'], 'db:aggregate');
{
  // Hudu HTTP requests by method.
  const proto = Pool.prototype as unknown as Record<string, unknown>;
  const original = proto['request'] as (this: unknown, options: { method: string }) => Promise<unknown>;
  proto['request'] = function (this: unknown, options: { method: string }) {
    return time(`hudu:${options.method}`, () => original.call(this, options));
  };
}
instrument(EventPublisher.prototype, ['publish', 'deadLetter'], 'kafka');
instrument(EventConsumer.prototype, ['commit'], 'kafka');

const logger = testLogger('importer-profile');
const hashOf = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);

async function main() {
  const size = (process.env['PROFILE_SIZE'] ?? 'medium') as ManageDatasetSize;
  const dataset = manageDataset({ size, seed: 1 });
  const limit = Number(process.env['PROFILE_COMPANIES'] ?? dataset.companies.length);
  const rpm = Number(process.env['PROFILE_HUDU_RPM'] ?? 1_000_000);
  const companies = dataset.companies.slice(0, limit);

  const kafka = createKafka({ brokers: stackAddresses().kafkaBrokers, clientId: 'importer-profile', logger });
  const namespace = uniqueName('prof');
  await ensureTopics(kafka, productTopics(2, namespace));
  const publisher = new EventPublisher(kafka, logger, { namespace });
  await publisher.connect();
  const db = await connectDatabase({ url: isolatedMongoUrl('prof'), logger });
  const integrations = new IntegrationStore(db, new SecretBox([{ id: 'k1', key: randomBytes(32) }]));
  const runs = new RunStore(db);
  const sim = buildHuduSimulator({
    apiKeys: ['hudu-key'],
    seed: { seed: 1, manageCompanies: [] },
    rateLimit: { limit: 100_000_000 },
  });
  const origin = await sim.listen();
  const integrationId = uniqueName('prof').toLowerCase();
  await integrations.create({
    id: integrationId,
    name: 'profile',
    manage: {
      siteUrl: 'http://127.0.0.1:9',
      companyId: 'mymsp',
      publicKey: 'pub',
      privateKey: 'priv',
      clientId: 'client',
    },
    hudu: { baseUrl: origin, apiKey: 'hudu-key' },
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
  await runs.start(runId, integrationId, 'full');
  const ctx = { integrationId, runId };

  const matched: Envelope[] = [];
  const records: Envelope[] = [];
  for (const raw of companies) {
    // The fetcher's mapping, simplified (the fetcher's lib is out of the importer's module scope).
    const company: ManageCompany = {
      id: raw.id,
      identifier: raw.identifier,
      name: raw.name,
      inactive: false,
      deleted: false,
      ...(raw.city ? { city: raw.city } : {}),
      ...(raw.phoneNumber ? { phoneNumber: raw.phoneNumber } : {}),
      ...(raw.website ? { website: raw.website } : {}),
      typeNames: (raw.types ?? []).map((t) => t.name ?? 'Client'),
    };
    matched.push(
      createEvent('CompanyMatched', ctx, {
        manageCompanyId: company.id,
        decision: 'create',
        company,
        contentHash: hashOf(company),
        decidedBy: 'policy:auto-create',
        reasons: [],
      }),
    );
    for (const c of dataset.configurationsOf(raw)) {
      const configuration: ManageConfiguration = {
        id: c.id,
        companyId: raw.id,
        name: c.name,
        typeId: c.type.id,
        typeName: c.type.name ?? 'Workstation',
        statusName: c.status?.name ?? 'Active',
        active: c.activeFlag,
        ...(c.serialNumber ? { serialNumber: c.serialNumber } : {}),
        ...(c.modelNumber ? { modelNumber: c.modelNumber } : {}),
        ...(c.manufacturer?.name ? { manufacturer: c.manufacturer.name } : {}),
        ...(c.ipAddress ? { ipAddress: c.ipAddress } : {}),
      };
      records.push(
        createEvent('ConfigurationFetched', ctx, {
          manageId: configuration.id,
          companyManageId: raw.id,
          contentHash: hashOf(configuration),
          configuration,
        }),
      );
    }
    for (const c of dataset.contactsOf(raw)) {
      const email = c.communicationItems?.find((i) => i.communicationType === 'Email')?.value;
      const contact: ManageContact = {
        id: c.id,
        companyId: raw.id,
        firstName: c.firstName,
        ...(c.lastName ? { lastName: c.lastName } : {}),
        ...(email ? { email } : {}),
        inactive: c.inactiveFlag,
        primary: false,
      };
      records.push(
        createEvent('ContactFetched', ctx, {
          manageId: contact.id,
          companyManageId: raw.id,
          contentHash: hashOf(contact),
          contact,
        }),
      );
    }
  }

  const groupId = uniqueName('importer');
  const importerSettings = {
    kafka,
    namespace,
    publisher,
    db,
    integrations,
    logger,
    groupId,
    sessions: { client: { budget: { perWindow: rpm, windowMs: 60_000 } } },
  };
  const totalOf = async (kinds: string[]) => {
    const view = await runs.get(runId);
    let n = 0;
    for (const kind of kinds) for (const v of Object.values(view?.counts[kind] ?? {})) n += v;
    return n;
  };
  const drain = async (kinds: string[], expected: number) => {
    for (let i = 0; ; i++) {
      const n = await totalOf(kinds);
      if (n >= expected) return;
      if (i % 20 === 0) process.stderr.write(`${kinds.join('+')}: ${n}/${expected}\n`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  // Phase 1: the companies.
  let importer = await startImporter(importerSettings);
  let started = performance.now();
  for (let i = 0; i < matched.length; i += 500) await publisher.publish(matched.slice(i, i + 500));
  await drain(['company'], matched.length);
  const companiesMs = performance.now() - started;
  await importer.stop();

  // Phase 2: the records, as a backlog.
  for (let i = 0; i < records.length; i += 500) await publisher.publish(records.slice(i, i + 500));
  timers.clear();
  const cpuBefore = process.cpuUsage();
  const rssPeak = { value: 0 };
  const rssTimer = setInterval(
    () => (rssPeak.value = Math.max(rssPeak.value, process.memoryUsage().rss)),
    250,
  );
  started = performance.now();
  importer = await startImporter(importerSettings);
  await drain(['configuration', 'contact'], records.length);
  const recordsMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(rssTimer);
  await importer.stop();

  const huduRequests = sim.counters.snapshot().entries.reduce((n, e) => n + e.count, 0);
  const view = await runs.get(runId);
  const lines = [
    `dataset ${size}: ${matched.length} companies in ${(companiesMs / 1000).toFixed(1)} s; ` +
      `${records.length} records in ${(recordsMs / 1000).toFixed(1)} s = ` +
      `${((records.length * 1000) / recordsMs).toFixed(1)} records/s`,
    `process CPU during phase 2: user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s ` +
      `(the in-process Hudu simulator included); peak RSS ${(rssPeak.value / 2 ** 20).toFixed(0)} MB`,
    `Hudu requests (both phases): ${huduRequests}; assets in Hudu: ${sim.store.assets.size}`,
    `run counts: ${JSON.stringify(view?.counts)}`,
    'phase 2 timers (sum of durations; calls overlap when concurrent):',
    ...[...timers]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(
        ([label, t]) =>
          `  ${label.padEnd(22)} n=${String(t.n).padStart(7)}  total=${(t.ms / 1000).toFixed(2).padStart(8)} s  ` +
          `mean=${(t.ms / t.n).toFixed(2).padStart(7)} ms  per record=${(t.n / records.length).toFixed(2)}`,
      ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await publisher.disconnect();
  await db.dropDatabase().catch(() => undefined);
  await db.close();
  await sim.close();
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
