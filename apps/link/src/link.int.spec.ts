import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { createEvent, type Envelope, decodeEvent, TOPICS } from '@cw-hudu-sync/contracts';
import { HuduClient } from '@cw-hudu-sync/hudu-client';
import { buildHuduSimulator, type HuduSimulator } from '@cw-hudu-sync/hudu-simulator';
import {
  createKafka,
  ensureTopics,
  EventConsumer,
  EventPublisher,
  productTopics,
  topicName,
} from '@cw-hudu-sync/messaging';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { buildServiceApp } from '@cw-hudu-sync/service';
import { isolatedMongoUrl, stackAddresses, testLogger, uniqueName, waitFor } from '@cw-hudu-sync/testing';
import { createLinkConsumer, createLinkService, type LinkService, linkRoutes } from './app/link-service';

const logger = testLogger('link-test');
const PUBLIC_BASE_URL = 'https://links.example.test';
const ADMIN_TOKEN = randomBytes(24).toString('hex');
const HUDU_KEY = 'hudu-link-test-key';

describe('link service against the real broker and database', () => {
  let kafka: Kafka;
  let namespace: string;
  let publisher: EventPublisher;
  let db: Connection;
  let service: LinkService;
  let consumer: EventConsumer;
  let reader: Consumer;
  let hudu: HuduSimulator;
  let huduOrigin: string;
  let app: ReturnType<typeof buildServiceApp>;
  const linkUpdates: Envelope[] = [];
  const integrationId = uniqueName('acme')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  const otherIntegrationId = `${integrationId}-other`;

  const imported = (manageCompanyId: number, huduCompanyId: number, huduUrl: string, extra = {}) =>
    createEvent(
      'CompanyImported',
      { integrationId, runId: 'run-1' },
      {
        manageCompanyId,
        huduCompanyId,
        huduCompanyName: `Company ${manageCompanyId}`,
        huduUrl,
        outcome: 'created',
        ...extra,
      },
    );
  const jump = (query: string, accept = 'text/html', tenant = integrationId) =>
    app.inject({ method: 'GET', url: `/${tenant}/api/v1/companies/jump?${query}`, headers: { accept } });
  const updatesFor = (manageCompanyId: number) =>
    linkUpdates.filter((e) => e.payload['manageCompanyId'] === manageCompanyId);

  beforeAll(async () => {
    kafka = createKafka({ brokers: stackAddresses().kafkaBrokers, clientId: 'link-int-test', logger });
    namespace = uniqueName('link');
    await ensureTopics(kafka, productTopics(2, namespace));
    publisher = new EventPublisher(kafka, logger, { namespace });
    await publisher.connect();
    db = await connectDatabase({ url: isolatedMongoUrl('link'), logger });
    const secrets = SecretBox.fromEnvironment(`k1:${randomBytes(32).toString('base64')}`);

    hudu = buildHuduSimulator({ apiKeys: [HUDU_KEY], seed: false });
    huduOrigin = await hudu.listen({ port: 0, host: '127.0.0.1' });

    service = await createLinkService({ db, secrets, publisher, publicBaseUrl: PUBLIC_BASE_URL });
    for (const id of [integrationId, otherIntegrationId]) {
      await service.integrations.create({
        id,
        name: `Integration ${id}`,
        manage: {
          siteUrl: 'http://127.0.0.1:1',
          companyId: 'ExampleMSP',
          publicKey: 'pub',
          privateKey: 'private-key-value',
          clientId: 'client',
        },
        // The other integration's Hudu is somewhere else: its links must never lead to this Hudu.
        hudu: {
          baseUrl: id === integrationId ? huduOrigin : 'https://other.huducloud.test',
          apiKey: HUDU_KEY,
        },
      });
    }
    consumer = createLinkConsumer({
      kafka,
      namespace,
      publisher,
      logger,
      service,
      groupId: uniqueName('link'),
    });
    await consumer.start();

    reader = kafka.consumer({ groupId: uniqueName('link-reader') });
    await reader.connect();
    await reader.subscribe({ topic: topicName(TOPICS.links, namespace), fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => void linkUpdates.push(decodeEvent(message.value)),
    });

    app = buildServiceApp({
      name: 'link',
      logger,
      readiness: [],
      routes: linkRoutes({ service: () => service, publicBaseUrl: PUBLIC_BASE_URL, adminToken: ADMIN_TOKEN }),
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await reader?.disconnect();
    await consumer?.stop();
    await publisher?.disconnect();
    await db?.dropDatabase().catch(() => undefined);
    await db?.close();
    await hudu?.close();
  });

  it('records a CompanyImported, publishes LinkUpdated, and the jump redirects (302) to the company in Hudu', async () => {
    const client = new HuduClient({ baseUrl: huduOrigin, apiKey: HUDU_KEY });
    const company = await client.createCompany({ name: 'Acme Dental' });
    await client.close();
    expect(new URL(company.full_url).origin).toBe(huduOrigin);

    const event = imported(250, company.id, company.full_url, { manageIdentifier: 'ACMEDENTAL' });
    // Other import events share the topic and are ignored.
    const other = createEvent(
      'ImportFailed',
      { integrationId },
      { kind: 'company', manageId: 251, reason: 'x' },
    );
    await publisher.publish([other, event]);

    const [update] = await waitFor(() => (updatesFor(250).length ? updatesFor(250) : undefined), {
      what: 'LinkUpdated for company 250',
      timeoutMs: 30_000,
    });
    expect(update).toMatchObject({
      type: 'LinkUpdated',
      integrationId,
      runId: 'run-1',
      causationId: event.eventId,
      payload: {
        manageCompanyId: 250,
        huduCompanyId: company.id,
        jumpUrl: `${PUBLIC_BASE_URL}/${integrationId}/api/v1/companies/jump?integration_id=250&integration_slug=cw_manage`,
      },
    });
    expect(linkUpdates.some((e) => e.payload['manageCompanyId'] === 251)).toBe(false);

    const byId = await jump('integration_id=250&integration_slug=cw_manage');
    expect(byId.statusCode).toBe(302);
    expect(byId.headers.location).toBe(company.full_url);
    expect(byId.headers['cache-control']).toBe('no-store');
    expect(byId.headers.vary).toBe('accept');

    // A browser default Accept, and no Accept at all, are both pages.
    const browser = await jump(
      'integration_id=250&integration_slug=cw_manage',
      'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    );
    expect(browser.statusCode).toBe(302);

    const byIdentifier = await jump('integration_identifier=ACMEDENTAL&integration_slug=cw_manage');
    expect(byIdentifier.statusCode).toBe(302);
    expect(byIdentifier.headers.location).toBe(company.full_url);
  });

  it('is idempotent: the same CompanyImported twice keeps one row and the redirect', async () => {
    const url = `${huduOrigin}/c/twice`;
    const event = imported(300, 9001, url);
    await publisher.publish([event, event]);
    await waitFor(() => updatesFor(300).length >= 2, { what: 'two LinkUpdated for 300', timeoutMs: 30_000 });
    const rows = await db
      .collection('link_companies')
      .find({ integrationId, manageCompanyId: 300 })
      .toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ huduCompanyId: 9001, huduUrl: url });
    expect((await jump('integration_id=300&integration_slug=cw_manage')).headers.location).toBe(url);
  });

  it('answers an unknown company, or an unknown integration, with a 404 page that explains', async () => {
    for (const response of [
      await jump('integration_id=999999&integration_slug=cw_manage'),
      await jump('integration_identifier=NOPE&integration_slug=cw_manage'),
      await jump('integration_id=250&integration_slug=cw_manage', 'text/html', 'no-such-integration'),
      // The company is known in another integration only: tenants never see each other's rows.
      await jump('integration_id=250&integration_slug=cw_manage', 'text/html', otherIntegrationId),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toContain('Company not found in Hudu');
      expect(response.headers.location).toBeUndefined();
    }
  });

  it('answers 406 to a caller that only accepts JSON, as Hudu does', async () => {
    const response = await jump('integration_id=250&integration_slug=cw_manage', 'application/json');
    expect(response.statusCode).toBe(406);
    expect(response.headers.location).toBeUndefined();
  });

  it('rejects a malformed link with 400 naming the parameter', async () => {
    const badSlug = await jump('integration_id=250&integration_slug=halo');
    expect(badSlug.statusCode).toBe(400);
    expect(badSlug.body).toContain('integration_slug must be cw_manage');
    const badId = await jump('integration_id=25x&integration_slug=cw_manage');
    expect(badId.statusCode).toBe(400);
    expect(badId.body).toContain('integration_id must be');
  });

  it("never redirects to a stored URL that is not on the integration's own Hudu", async () => {
    const foreign = 'https://evil.example.test/c/phish';
    await publisher.publish(imported(400, 4000, foreign));
    await waitFor(() => updatesFor(400).length > 0, { what: 'LinkUpdated for 400', timeoutMs: 30_000 });
    const response = await jump('integration_id=400&integration_slug=cw_manage');
    expect(response.statusCode).toBe(404);
    expect(response.headers.location).toBeUndefined();
    expect(response.body).not.toContain('evil.example.test');
  });

  it('gives admins the exact Manage Link to create (bearer token required)', async () => {
    const url = `/api/integrations/${integrationId}/manage-link`;
    const anonymous = await app.inject({ method: 'GET', url });
    expect(anonymous.statusCode).toBe(401);
    const wrong = await app.inject({ method: 'GET', url, headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    const response = await app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
    const link = response.json() as { name: string; table: string; definition: string; steps: string[] };
    expect(link).toMatchObject({
      name: 'Hudu',
      table: 'Company',
      definition: `${PUBLIC_BASE_URL}/${integrationId}/api/v1/companies/jump?integration_id=[companyrecordid]&integration_slug=cw_manage`,
    });
    expect(link.steps.some((s) => s.includes('System → Setup Tables'))).toBe(true);
    const missing = await app.inject({
      method: 'GET',
      url: '/api/integrations/no-such-integration/manage-link',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(missing.statusCode).toBe(404);
  });
});
