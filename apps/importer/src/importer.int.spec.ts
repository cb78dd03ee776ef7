import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import {
  createEvent,
  decodeEvent,
  type Envelope,
  type ManageCompany,
  type ManageConfiguration,
  type ManageContact,
  TOPICS,
} from '@cw-hudu-sync/contracts';
import { buildHuduSimulator, type HuduSimulator } from '@cw-hudu-sync/hudu-simulator';
import { type IntegrationOptions, IntegrationStore, RunStore } from '@cw-hudu-sync/integrations';
import { createKafka, ensureTopics, EventPublisher, productTopics, topicName } from '@cw-hudu-sync/messaging';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { isolatedMongoUrl, stackAddresses, testLogger, uniqueName, waitFor } from '@cw-hudu-sync/testing';
import { type Importer, startImporter } from './app/importer';

const logger = testLogger('importer-test');
let kafka: Kafka;
let namespace: string;
let publisher: EventPublisher;
let db: Connection;
let integrations: IntegrationStore;
let runs: RunStore;
let importer: Importer;
let reader: Consumer;
const imports: Envelope[] = [];
const simulators: HuduSimulator[] = [];

beforeAll(async () => {
  kafka = createKafka({ brokers: stackAddresses().kafkaBrokers, clientId: 'importer-int-test', logger });
  namespace = uniqueName('imp');
  await ensureTopics(kafka, productTopics(2, namespace));
  publisher = new EventPublisher(kafka, logger, { namespace });
  await publisher.connect();
  db = await connectDatabase({ url: isolatedMongoUrl('importer'), logger });
  integrations = new IntegrationStore(db, new SecretBox([{ id: 'k1', key: randomBytes(32) }]));
  runs = new RunStore(db);
  importer = await startImporter({
    kafka,
    namespace,
    publisher,
    db,
    integrations,
    logger,
    groupId: uniqueName('importer'),
    maxAttempts: 3,
    backoff: { initialMs: 50, maxMs: 200 },
    sessions: { credentialsTtlMs: 0 },
  });
  reader = kafka.consumer({ groupId: uniqueName('imports-reader') });
  await reader.connect();
  await reader.subscribe({ topic: topicName(TOPICS.huduImports, namespace), fromBeginning: true });
  await reader.run({ eachMessage: async ({ message }) => void imports.push(decodeEvent(message.value)) });
}, 60_000);

afterAll(async () => {
  await importer?.stop();
  await reader?.disconnect();
  await publisher?.disconnect();
  await db?.close();
  await Promise.all(simulators.map((s) => s.close()));
});

async function setUp(options: Partial<IntegrationOptions> = {}) {
  const sim = buildHuduSimulator({ apiKeys: ['hudu-key'], seed: { seed: 4, manageCompanies: [] } });
  simulators.push(sim);
  const origin = await sim.listen();
  const id = uniqueName('it').toLowerCase();
  await integrations.create({
    id,
    name: 'test',
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
      matchPolicy: 'review',
      ...options,
    },
  });
  const runId = RunStore.newRunId();
  await runs.start(runId, id, 'full');
  return { sim, id, runId, ctx: { integrationId: id, runId } };
}

const company = (id: number, over: Partial<ManageCompany> = {}): ManageCompany => ({
  id,
  identifier: `CO${id}`,
  name: `Company ${id}`,
  inactive: false,
  deleted: false,
  city: 'Springfield',
  phoneNumber: '555-0100',
  website: `co${id}.example`,
  typeNames: ['Client'],
  ...over,
});

const configuration = (
  id: number,
  companyId: number,
  over: Partial<ManageConfiguration> = {},
): ManageConfiguration => ({
  id,
  companyId,
  name: `PC-${id}`,
  typeId: 1,
  typeName: 'Workstation',
  statusName: 'Active',
  active: true,
  serialNumber: `SN-${id}`,
  modelNumber: 'OptiPlex',
  manufacturer: 'Dell',
  ipAddress: `10.0.0.${id % 250}`,
  ...over,
});

const contact = (id: number, companyId: number, over: Partial<ManageContact> = {}): ManageContact => ({
  id,
  companyId,
  firstName: `First${id}`,
  lastName: 'Person',
  email: `p${id}@example.com`,
  phone: '555-0111',
  inactive: false,
  primary: false,
  ...over,
});

const hash = (seed: string) => Buffer.from(seed).toString('hex').padEnd(16, '0').slice(0, 32);

function matched(
  ctx: { integrationId: string; runId: string },
  c: ManageCompany,
  decision: 'create' | 'link' | 'ignore',
  huduCompanyId?: number,
) {
  return createEvent('CompanyMatched', ctx, {
    manageCompanyId: c.id,
    decision,
    ...(huduCompanyId ? { huduCompanyId } : {}),
    company: c,
    contentHash: hash(JSON.stringify(c)),
    decidedBy: 'admin:test',
    reasons: [],
  });
}
const configFetched = (ctx: { integrationId: string; runId: string }, c: ManageConfiguration) =>
  createEvent('ConfigurationFetched', ctx, {
    manageId: c.id,
    companyManageId: c.companyId,
    contentHash: hash(JSON.stringify(c)),
    configuration: c,
  });
const contactFetched = (ctx: { integrationId: string; runId: string }, c: ManageContact) =>
  createEvent('ContactFetched', ctx, {
    manageId: c.id,
    companyManageId: c.companyId,
    contentHash: hash(JSON.stringify(c)),
    contact: c,
  });

const importsOf = (integrationId: string, type?: string) =>
  imports.filter((e) => e.integrationId === integrationId && (!type || e.type === type));
const assetImports = (integrationId: string) =>
  imports.filter(
    (e) => e.integrationId === integrationId && (e.type === 'ConfigImported' || e.type === 'ContactImported'),
  );
const writes = (sim: HuduSimulator) =>
  sim.counters
    .snapshot()
    .entries.filter((e) => e.method === 'POST' || e.method === 'PUT')
    .reduce((n, e) => n + e.count, 0);
const layoutId = (sim: HuduSimulator, name: string) =>
  [...sim.store.layouts.values()].find((l) => l.name === name)!.id;
const valueOf = (sim: HuduSimulator, assetId: number, label: string) => {
  const asset = sim.store.assets.get(assetId)!;
  const field = sim.store.layouts.get(asset.asset_layout_id)!.fields.find((f) => f.label === label)!;
  return asset.values.get(field.id);
};

describe('importer against the real broker, FerretDB and the Hudu simulator', () => {
  it('imports a created company and its records, then makes 0 writes on redelivery and 1 for one change', async () => {
    const { sim, id, ctx } = await setUp();
    const acme = company(501, { name: 'Acme Widgets', addressLine1: '1 Main St', faxNumber: '555-0199' });
    const configs = [
      configuration(1, 501),
      configuration(2, 501),
      configuration(3, 501, { serialNumber: undefined }),
    ];
    const contacts = [contact(11, 501), contact(12, 501, { email: undefined })];
    const events = [
      matched(ctx, acme, 'create'),
      ...configs.map((c) => configFetched(ctx, c)),
      ...contacts.map((c) => contactFetched(ctx, c)),
    ];
    await publisher.publish(events);
    await waitFor(() => assetImports(id).length >= 5, { what: '5 assets imported', timeoutMs: 30_000 });

    const companies = [...sim.store.companies.values()].filter((c) => c.id_number === 'CO501');
    expect(companies).toHaveLength(1);
    const hudu = companies[0]!;
    expect(hudu).toMatchObject({
      name: 'Acme Widgets',
      address_line_1: '1 Main St',
      city: 'Springfield',
      phone_number: '555-0100',
      fax_number: '555-0199',
      website: 'co501.example',
      company_type: 'Client',
      archived: false,
    });
    const [imported] = importsOf(id, 'CompanyImported');
    expect(imported!.payload).toMatchObject({
      manageCompanyId: 501,
      huduCompanyId: hudu.id,
      outcome: 'created',
      huduUrl: expect.stringMatching(new RegExp(`/c/${hudu.slug}$`)),
    });

    const assets = [...sim.store.assets.values()].filter((a) => a.company_id === hudu.id);
    expect(assets).toHaveLength(5);
    const pc1 = assets.find((a) => a.name === 'PC-1')!;
    expect(pc1).toMatchObject({
      asset_layout_id: layoutId(sim, 'Configurations'),
      primary_serial: 'SN-1',
      primary_model: 'OptiPlex',
      primary_manufacturer: 'Dell',
    });
    expect(valueOf(sim, pc1.id, 'Serial Number')).toBe('SN-1');
    expect(valueOf(sim, pc1.id, 'IP Address')).toBe('10.0.0.1');
    expect(valueOf(sim, pc1.id, 'Configuration Type')).toBe('Workstation');
    const ada = assets.find((a) => a.name === 'First11 Person')!;
    expect(ada).toMatchObject({
      asset_layout_id: layoutId(sim, 'Contacts'),
      primary_mail: 'p11@example.com',
    });
    expect(valueOf(sim, ada.id, 'Email')).toBe('p11@example.com');
    expect(valueOf(sim, ada.id, 'Phone')).toBe('555-0111');
    // One write per created record: company + 5 assets.
    expect(writes(sim)).toBe(6);

    // Redelivery of the very same events: nothing new in Hudu, no writes at all.
    sim.counters.reset();
    await publisher.publish(events);
    await waitFor(() => assetImports(id).length >= 10, {
      what: 'the redelivered records',
      timeoutMs: 30_000,
    });
    expect(
      assetImports(id)
        .slice(5)
        .map((e) => e.payload['outcome']),
    ).toEqual(Array(5).fill('unchanged'));
    expect(writes(sim)).toBe(0);
    expect([...sim.store.assets.values()].filter((a) => a.company_id === hudu.id)).toHaveLength(5);
    expect([...sim.store.companies.values()].filter((c) => c.id_number === 'CO501')).toHaveLength(1);

    // One configuration changes in Manage: exactly one write, and a field typed in Hudu survives.
    const locationTyped = valueOf(sim, pc1.id, 'Notes');
    expect(locationTyped).toBeUndefined();
    sim.counters.reset();
    await publisher.publish(configFetched(ctx, { ...configs[0]!, ipAddress: '10.9.9.9' }));
    await waitFor(() => assetImports(id).length >= 11, {
      what: 'the changed configuration',
      timeoutMs: 30_000,
    });
    expect(assetImports(id)[10]!.payload).toMatchObject({ outcome: 'updated', huduWrites: 1 });
    expect(writes(sim)).toBe(1);
    expect(valueOf(sim, pc1.id, 'IP Address')).toBe('10.9.9.9');
    expect(valueOf(sim, pc1.id, 'Serial Number')).toBe('SN-1');
  });

  it('parks records of an undecided company and imports them when the match arrives', async () => {
    const { sim, id, ctx, runId } = await setUp();
    const beta = company(601, { name: 'Beta Corp' });
    await publisher.publish([
      configFetched(ctx, configuration(21, 601)),
      contactFetched(ctx, contact(31, 601)),
    ]);
    await waitFor(
      async () => {
        const run = await runs.get(runId);
        return (
          (run?.counts['configuration']?.['parked'] ?? 0) + (run?.counts['contact']?.['parked'] ?? 0) >= 2
        );
      },
      { what: 'two parked records', timeoutMs: 30_000 },
    );
    expect(sim.store.assets.size).toBe(0);
    expect(assetImports(id)).toHaveLength(0);

    const existing = [...sim.store.companies.values()].find((c) => !c.archived)!;
    await publisher.publish(matched(ctx, beta, 'link', existing.id));
    await waitFor(() => assetImports(id).length >= 2, {
      what: 'the parked records imported',
      timeoutMs: 30_000,
    });
    const assets = [...sim.store.assets.values()].filter((a) => a.company_id === existing.id);
    expect(assets.map((a) => a.name).sort()).toEqual(['First31 Person', 'PC-21']);
    // The linked company took the Manage values it maps.
    expect(sim.store.companies.get(existing.id)).toMatchObject({ name: 'Beta Corp', id_number: 'CO601' });
    const run = await runs.get(runId);
    expect(run?.counts['company']?.['updated']).toBe(1);
    expect(run?.counts['configuration']?.['created']).toBe(1);
    expect(run?.huduCalls).toBeGreaterThan(0);
  });

  it('parks a record again in place when Manage changes it while its company is undecided, and releases a park of more than one page', async () => {
    const { sim, id, ctx } = await setUp();
    const delta = company(701, { name: 'Delta Many Devices' });
    const ids = Array.from({ length: 510 }, (_, n) => 7_001 + n);
    await publisher.publish(ids.map((manageId) => configFetched(ctx, configuration(manageId, 701))));
    const parkedNow = () => db.collection('importer_parked').countDocuments({ integrationId: id });
    await waitFor(async () => (await parkedNow()) === 510, { what: '510 parked records', timeoutMs: 60_000 });
    // Changed in Manage while still parked: the park keeps one, the latest version.
    await publisher.publish(configFetched(ctx, configuration(7_001, 701, { name: 'PC-7001-renamed' })));
    await waitFor(
      async () =>
        (await db.collection('importer_parked').findOne({ integrationId: id, manageId: 7_001 }))?.['payload']
          ?.toString()
          .includes('PC-7001-renamed') ?? false,
      { what: 'the re-parked record', timeoutMs: 30_000 },
    );
    expect(await parkedNow()).toBe(510);
    sim.counters.reset();

    await publisher.publish(matched(ctx, delta, 'create'));
    await waitFor(() => assetImports(id).length >= 510, { what: '510 records released', timeoutMs: 120_000 });
    await waitFor(async () => (await parkedNow()) === 0, { what: 'the park emptied', timeoutMs: 30_000 });
    const huduCompany = [...sim.store.companies.values()].find((c) => c.id_number === 'CO701')!;
    const names = [...sim.store.assets.values()]
      .filter((a) => a.company_id === huduCompany.id)
      .map((a) => a.name);
    expect(names).toHaveLength(510);
    expect(names).toContain('PC-7001-renamed');
    expect(names).not.toContain('PC-7001');
    // One create per record and one for the company: nothing imported twice across the page boundary.
    expect(writes(sim)).toBe(511);
  }, 240_000);

  it('gives two Manage records with one name and one key an asset each (in one batch and across batches)', async () => {
    const { sim, id, ctx } = await setUp();
    const gamma = company(602, { name: 'Gamma Twins Ltd' });
    const twin = { firstName: 'Sam', lastName: 'Twin', email: 'office@gamma.example' };
    // Parked together, released together by the match (one round)…
    await publisher.publish([
      contactFetched(ctx, contact(41, 602, twin)),
      contactFetched(ctx, contact(42, 602, twin)),
      configFetched(ctx, configuration(51, 602, { name: 'NAS', serialNumber: 'SN-SAME' })),
      configFetched(ctx, configuration(52, 602, { name: 'NAS', serialNumber: 'SN-SAME' })),
    ]);
    await publisher.publish(matched(ctx, gamma, 'create'));
    await waitFor(() => assetImports(id).length >= 4, { what: 'four records imported', timeoutMs: 30_000 });
    // …and a third twin later, on its own.
    await publisher.publish(contactFetched(ctx, contact(43, 602, twin)));
    await waitFor(() => assetImports(id).length >= 5, { what: 'the third twin imported', timeoutMs: 30_000 });

    const huduCompany = [...sim.store.companies.values()].find((c) => c.id_number === 'CO602')!;
    const assets = [...sim.store.assets.values()].filter((a) => a.company_id === huduCompany.id);
    expect(assets.map((a) => a.name).sort()).toEqual(['NAS', 'NAS', 'Sam Twin', 'Sam Twin', 'Sam Twin']);
    const linked = assetImports(id).map((e) => (e.payload as { huduAssetId: number }).huduAssetId);
    expect(new Set(linked).size).toBe(5);
  });

  it('drops the parked records of an ignored company and imports nothing of it', async () => {
    const { sim, id, ctx, runId } = await setUp();
    await publisher.publish([
      configFetched(ctx, configuration(91, 602)),
      contactFetched(ctx, contact(92, 602)),
    ]);
    await waitFor(
      async () => (await db.collection('importer_parked').countDocuments({ integrationId: id })) === 2,
      {
        what: 'two parked records',
      },
    );
    await publisher.publish(matched(ctx, company(602), 'ignore'));
    await waitFor(
      async () => (await db.collection('importer_parked').countDocuments({ integrationId: id })) === 0,
      {
        what: 'the parked records dropped',
      },
    );
    await publisher.publish(configFetched(ctx, configuration(93, 602)));
    await waitFor(async () => (await runs.get(runId))?.counts['configuration']?.['skipped'] === 1, {
      what: 'the later record skipped',
    });
    expect(sim.store.assets.size).toBe(0);
    expect(importsOf(id)).toHaveLength(0);
  });

  it('blocks a missing or inactive layout, naming it, and imports the other kind', async () => {
    const missing = await setUp({ configurationLayout: 'Devices' });
    const inactive = await setUp({ contactLayout: 'Legacy Devices' });
    for (const { ctx } of [missing, inactive]) {
      await publisher.publish([
        matched(ctx, company(701), 'create'),
        configFetched(ctx, configuration(41, 701)),
        configFetched(ctx, configuration(42, 701)),
        contactFetched(ctx, contact(51, 701)),
      ]);
    }
    await waitFor(() => assetImports(missing.id).length >= 1 && assetImports(inactive.id).length >= 2, {
      what: 'the unblocked kinds imported',
      timeoutMs: 30_000,
    });
    await waitFor(
      () =>
        importsOf(missing.id, 'ImportBlocked').length + importsOf(inactive.id, 'ImportBlocked').length >= 2,
      {
        what: 'two ImportBlocked events',
      },
    );

    const blockedMissing = importsOf(missing.id, 'ImportBlocked');
    expect(blockedMissing).toHaveLength(1); // once per run, not once per record
    expect(blockedMissing[0]!.payload).toMatchObject({ kind: 'configuration', layout: 'Devices' });
    expect(String(blockedMissing[0]!.payload['reason'])).toContain('"Devices" does not exist');
    expect([...missing.sim.store.assets.values()].map((a) => a.name)).toEqual(['First51 Person']);

    const blockedInactive = importsOf(inactive.id, 'ImportBlocked');
    expect(blockedInactive[0]!.payload).toMatchObject({ kind: 'contact', layout: 'Legacy Devices' });
    expect(String(blockedInactive[0]!.payload['reason'])).toContain('is inactive');
    expect([...inactive.sim.store.assets.values()].map((a) => a.name).sort()).toEqual(['PC-41', 'PC-42']);

    const run = await runs.get(missing.runId);
    expect(run?.errors.map((e) => e.reason).join('\n')).toContain('"Devices"');
    expect(run?.counts['configuration']?.['blocked']).toBe(2);

    // The admin fixes the layout: the next fetch's end (or the next record of that kind) brings them along.
    await integrations.update(missing.id, { options: { configurationLayout: 'Configurations' } });
    await publisher.publish(
      createEvent('FetchCompleted', missing.ctx, { mode: 'full', counts: {}, configurationTypes: [] }),
    );
    await waitFor(() => assetImports(missing.id).length >= 3, {
      what: 'parked configurations flushed',
      timeoutMs: 30_000,
    });
    expect([...missing.sim.store.assets.values()].map((a) => a.name).sort()).toEqual([
      'First51 Person',
      'PC-41',
      'PC-42',
    ]);
    expect(await db.collection('importer_parked').countDocuments({ integrationId: missing.id })).toBe(0);
  });

  it('follows the name-clash rule when Hudu already has the name', async () => {
    const { sim, id, ctx } = await setUp();
    sim.store.createCompany({ name: 'Clash Co' });
    await publisher.publish([
      matched(ctx, company(801, { name: 'Clash Co', identifier: 'CLASH' }), 'create'),
      matched(ctx, company(802, { name: 'Clash Co', identifier: 'CLASH' }), 'create'),
    ]);
    await waitFor(() => importsOf(id, 'CompanyImported').length >= 2, {
      what: 'two companies',
      timeoutMs: 30_000,
    });
    const names = [...sim.store.companies.values()]
      .map((c) => c.name)
      .filter((n) => n.startsWith('Clash Co'));
    expect(names.sort()).toEqual(['Clash Co', 'Clash Co (CLASH)', 'Clash Co (CLASH) (2)']);
    expect(importsOf(id, 'ImportFailed')).toHaveLength(0);
  });

  it('does not duplicate after a crash between the Hudu create and recording it', async () => {
    const { sim, id, ctx } = await setUp();
    const gamma = company(901, { name: 'Gamma' });
    await publisher.publish(matched(ctx, gamma, 'create'));
    await waitFor(() => importsOf(id, 'CompanyImported').length >= 1, { what: 'the company' });
    const huduCompanyId = Number(importsOf(id, 'CompanyImported')[0]!.payload['huduCompanyId']);
    // As if a previous attempt had created the asset in Hudu and died before recording it.
    const records = db.collection('importer_records');
    await records.insertOne({
      integrationId: id,
      kind: 'configuration',
      manageId: 61,
      manageCompanyId: 901,
      huduCompanyId,
      layoutId: layoutId(sim, 'Configurations'),
      pendingCreate: new Date(),
    });
    sim.store.createAsset(huduCompanyId, { name: 'PC-61', asset_layout_id: layoutId(sim, 'Configurations') });
    sim.counters.reset();
    await publisher.publish(configFetched(ctx, configuration(61, 901, { serialNumber: undefined })));
    await waitFor(() => assetImports(id).length >= 1, { what: 'the redelivered configuration' });
    expect([...sim.store.assets.values()].filter((a) => a.name === 'PC-61')).toHaveLength(1);
    expect(sim.counters.snapshot().entries.filter((e) => e.method === 'POST')).toHaveLength(0);
  });

  it('does not duplicate a company after a crash between its create and recording it', async () => {
    const { sim, id, ctx } = await setUp();
    await db.collection('importer_companies').insertOne({
      _id: `${id}:902` as never,
      integrationId: id,
      manageCompanyId: 902,
      decision: 'create',
      standing: 'imported',
      pendingCreate: new Date(),
    });
    sim.store.createCompany({ name: 'Epsilon', id_number: 'CO902' });
    sim.counters.reset();
    await publisher.publish(matched(ctx, company(902, { name: 'Epsilon' }), 'create'));
    await waitFor(() => importsOf(id, 'CompanyImported').length >= 1, { what: 'the redelivered match' });
    expect([...sim.store.companies.values()].filter((c) => c.id_number === 'CO902')).toHaveLength(1);
    expect(sim.counters.snapshot().entries.filter((e) => e.method === 'POST')).toHaveLength(0);
    expect(importsOf(id, 'CompanyImported')[0]!.payload).toMatchObject({ huduCompanyName: 'Epsilon' });
  });

  it('imports a burst in batches: 1.00 write per created record, a record sent twice applied in order, a rejected one reported while the rest go on', async () => {
    const { sim, id, ctx, runId } = await setUp();
    const zeta = company(1201, { name: 'Zeta' });
    await publisher.publish(matched(ctx, zeta, 'create'));
    await waitFor(() => importsOf(id, 'CompanyImported').length >= 1, { what: 'the company' });
    const huduCompanyId = Number(importsOf(id, 'CompanyImported')[0]!.payload['huduCompanyId']);
    sim.counters.reset();
    sim.faults.set([
      {
        kind: 'error',
        status: 422,
        method: 'POST',
        pathPrefix: `/companies/${huduCompanyId}/assets`,
        times: 1,
      },
    ]);
    const burst = [
      ...Array.from({ length: 60 }, (_, i) => configFetched(ctx, configuration(2000 + i, 1201))),
      ...Array.from({ length: 20 }, (_, i) => contactFetched(ctx, contact(3000 + i, 1201))),
    ];
    await publisher.publish(burst);
    await waitFor(() => assetImports(id).length + importsOf(id, 'ImportFailed').length >= burst.length, {
      what: 'every record of the burst',
      timeoutMs: 45_000,
    });
    expect(importsOf(id, 'ImportFailed')).toHaveLength(1);
    const assetsOf = () => [...sim.store.assets.values()].filter((a) => a.company_id === huduCompanyId);
    expect(assetsOf()).toHaveLength(79);
    expect(writes(sim)).toBe(79 + 1); // one create each, and the attempt Hudu rejected

    // One record twice in one publish (so in one batch): applied in order.
    sim.counters.reset();
    await publisher.publish([
      configFetched(ctx, configuration(2100, 1201, { name: 'First name' })),
      configFetched(ctx, configuration(2100, 1201, { name: 'Second name' })),
    ]);
    await waitFor(() => assetImports(id).filter((e) => e.payload['manageId'] === 2100).length >= 2, {
      what: 'both versions',
    });
    const twice = assetImports(id).filter((e) => e.payload['manageId'] === 2100);
    expect(twice.map((e) => e.payload['outcome'])).toEqual(['created', 'updated']);
    expect(assetsOf().filter((a) => a.name === 'Second name')).toHaveLength(1);
    expect(assetsOf().filter((a) => a.name === 'First name')).toHaveLength(0);
    expect(writes(sim)).toBe(2);

    const sum = (counts: Record<string, number> | undefined, outcome: string) => counts?.[outcome] ?? 0;
    const view = await waitFor(
      async () => {
        const v = await runs.get(runId);
        const total = (outcome: string) =>
          sum(v?.counts['configuration'], outcome) + sum(v?.counts['contact'], outcome);
        return total('created') + total('failed') + total('updated') >= 82 ? v : undefined;
      },
      { what: 'the run counts' },
    );
    const total = (outcome: string) =>
      sum(view.counts['configuration'], outcome) + sum(view.counts['contact'], outcome);
    expect([total('created'), total('updated'), total('failed')]).toEqual([80, 1, 1]);
    // Counts are added up per batch: far fewer count documents than records.
    expect(await db.collection('run_counts').countDocuments({ runId })).toBeLessThan(40);

    // The burst again, nothing changed: no write but the create of the record Hudu rejected before.
    sim.counters.reset();
    const before = assetImports(id).length;
    await publisher.publish(burst);
    await waitFor(() => assetImports(id).length >= before + burst.length, { what: 'the unchanged burst' });
    expect(writes(sim)).toBe(1);
    expect(assetsOf()).toHaveLength(81);
  });

  it("adopts the asset a crashed batch created, found through its pending-create mark, and never a sibling's", async () => {
    const { sim, id, ctx } = await setUp();
    await publisher.publish(matched(ctx, company(1301, { name: 'Eta' }), 'create'));
    await waitFor(() => importsOf(id, 'CompanyImported').length >= 1, { what: 'the company' });
    const huduCompanyId = Number(importsOf(id, 'CompanyImported')[0]!.payload['huduCompanyId']);
    const layout = layoutId(sim, 'Configurations');
    // A previous attempt marked two creates of same-named records without serial, created one, then died.
    const at = new Date();
    await db.collection('importer_pending_creates').insertMany([
      { integrationId: id, kind: 'configuration', manageId: 81, at },
      { integrationId: id, kind: 'configuration', manageId: 82, at },
    ]);
    const left = sim.store.createAsset(huduCompanyId, { name: 'Twin', asset_layout_id: layout });
    sim.counters.reset();
    await publisher.publish([
      configFetched(ctx, configuration(81, 1301, { name: 'Twin', serialNumber: undefined })),
      configFetched(ctx, configuration(82, 1301, { name: 'Twin', serialNumber: undefined })),
    ]);
    await waitFor(() => assetImports(id).length >= 2, { what: 'both records' });
    const twins = [...sim.store.assets.values()].filter((a) => a.name === 'Twin');
    expect(twins).toHaveLength(2);
    const linked = await db
      .collection('importer_records')
      .find({ integrationId: id, manageId: { $in: [81, 82] } })
      .toArray();
    expect(new Set(linked.map((d) => d['huduAssetId'])).size).toBe(2);
    expect(linked.map((d) => d['huduAssetId'])).toContain(left.id);
    // One create (the sibling); the adopted asset only gets its mapped fields filled in.
    expect(
      sim.counters
        .snapshot()
        .entries.filter((e) => e.method === 'POST')
        .reduce((n, e) => n + e.count, 0),
    ).toBe(1);
    expect(await db.collection('importer_pending_creates').countDocuments({ integrationId: id })).toBe(0);
  });

  it('imports an inactive company archived, reports rejections, retries 5xx and archives removed records', async () => {
    const { sim, id, ctx, runId } = await setUp();
    const delta = company(1001, { name: 'Delta', inactive: true });
    await publisher.publish(matched(ctx, delta, 'create'));
    await waitFor(() => importsOf(id, 'CompanyImported').length >= 1, { what: 'the inactive company' });
    const hudu = [...sim.store.companies.values()].find((c) => c.id_number === 'CO1001')!;
    expect(hudu.archived).toBe(true);

    // Hudu refuses one create (422) and fails another once (500): the first is reported and
    // dead-lettered, the second retried by the client; the records after them go on.
    sim.faults.set([
      { kind: 'error', status: 422, method: 'POST', pathPrefix: `/companies/${hudu.id}/assets`, times: 1 },
    ]);
    await publisher.publish(configFetched(ctx, configuration(71, 1001)));
    await waitFor(() => importsOf(id, 'ImportFailed').length >= 1, { what: 'ImportFailed' });
    sim.faults.set([
      { kind: 'error', status: 503, method: 'POST', pathPrefix: `/companies/${hudu.id}/assets`, times: 1 },
    ]);
    await publisher.publish([
      configFetched(ctx, configuration(72, 1001)),
      contactFetched(ctx, contact(81, 1001)),
    ]);
    await waitFor(() => assetImports(id).length >= 2, {
      what: 'records after the rejected one',
      timeoutMs: 30_000,
    });
    expect(importsOf(id, 'ImportFailed')[0]!.payload).toMatchObject({ kind: 'configuration', manageId: 71 });
    expect(String(importsOf(id, 'ImportFailed')[0]!.payload['reason'])).toMatch(/422/);
    expect([...sim.store.assets.values()].map((a) => a.name).sort()).toEqual(['First81 Person', 'PC-72']);
    const run = await runs.get(runId);
    expect(run?.counts['configuration']?.['failed']).toBe(1);
    expect(run?.errors.some((e) => e.manageId === 71 && /422/.test(e.reason))).toBe(true);

    // Removed in Manage: archived in Hudu, never deleted.
    await publisher.publish([
      createEvent('ConfigurationRemoved', ctx, { manageId: 72, companyManageId: 1001, reason: 'deleted' }),
      createEvent('CompanyRemoved', ctx, { manageId: 1001, reason: 'missing' }),
    ]);
    await waitFor(() => assetImports(id).some((e) => e.payload['outcome'] === 'archived'), {
      what: 'the archived configuration',
    });
    const pc72 = [...sim.store.assets.values()].find((a) => a.name === 'PC-72')!;
    expect(pc72.archived).toBe(true);
    expect(sim.store.companies.get(hudu.id)?.archived).toBe(true);
    expect(sim.store.assets.size).toBe(2);
  });
});
