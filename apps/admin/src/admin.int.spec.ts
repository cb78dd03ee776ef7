import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { decodeEvent, type Envelope, TOPICS } from '@cw-hudu-sync/contracts';
import { buildHuduSimulator, type HuduSimulator } from '@cw-hudu-sync/hudu-simulator';
import { IntegrationStore, RunStore } from '@cw-hudu-sync/integrations';
import { createLogger } from '@cw-hudu-sync/logging';
import { createKafka, ensureTopics, EventPublisher, productTopics, topicName } from '@cw-hudu-sync/messaging';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { buildServiceApp } from '@cw-hudu-sync/service';
import { isolatedMongoUrl, stackAddresses, testLogger, uniqueName, waitFor } from '@cw-hudu-sync/testing';
import { type ManageSimulatorProcess, startManageSimulator } from '@cw-hudu-sync/testing';
import { ALL_GRANTS } from '../test/grants';
import { adminRoutes, type AdminDependencies } from './app/admin-api';
import { createPreflight } from './app/preflight';

const ADMIN_TOKEN = randomBytes(24).toString('hex');
const MANAGE_PRIVATE_KEY = 'Admin-Test-Manage-Private-Key-4242';
const HUDU_API_KEY = 'Admin-Test-Hudu-Api-Key-7777';
const ROTATED_HUDU_API_KEY = 'Admin-Test-Rotated-Hudu-Key-9999';
const WRONG_HUDU_API_KEY = 'Admin-Test-Wrong-Hudu-Key-1313';
const SECRETS = [MANAGE_PRIVATE_KEY, HUDU_API_KEY, ROTATED_HUDU_API_KEY, WRONG_HUDU_API_KEY];

type Json = Record<string, unknown>;

describe('admin API against the real broker, database and simulators', () => {
  const quiet = testLogger('admin-test');
  const logLines: string[] = [];
  const bodies: string[] = [];
  let kafka: Kafka;
  let namespace: string;
  let publisher: EventPublisher;
  let db: Connection;
  let dependencies: AdminDependencies;
  let manage: ManageSimulatorProcess;
  let hudu: HuduSimulator;
  let huduOrigin: string;
  let app: ReturnType<typeof buildServiceApp>;
  let reader: Consumer;
  const syncRequests: Envelope[] = [];

  const call = async (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    token: string | null = ADMIN_TOKEN,
  ) => {
    const response = await app.inject({
      method,
      url,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as Json }),
    });
    bodies.push(response.body);
    return { status: response.statusCode, body: (response.body ? response.json() : undefined) as Json };
  };

  const newIntegration = (id: string, overrides: Json = {}) => ({
    id,
    name: `Integration ${id}`,
    manage: {
      siteUrl: manage.url,
      companyId: manage.companyId,
      publicKey: manage.publicKey,
      privateKey: MANAGE_PRIVATE_KEY,
      clientId: '9a5c6a52-3f0e-4d53-9d6e-6b3c1f2d7e10',
    },
    hudu: { baseUrl: huduOrigin, apiKey: HUDU_API_KEY },
    ...overrides,
  });
  const freshId = () =>
    uniqueName('int')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-');

  beforeAll(async () => {
    kafka = createKafka({
      brokers: stackAddresses().kafkaBrokers,
      clientId: 'admin-int-test',
      logger: quiet,
    });
    namespace = uniqueName('admin');
    await ensureTopics(kafka, productTopics(2, namespace));
    publisher = new EventPublisher(kafka, quiet, { namespace });
    await publisher.connect();
    db = await connectDatabase({ url: isolatedMongoUrl('admin'), logger: quiet });
    const secrets = SecretBox.fromEnvironment(`k1:${randomBytes(32).toString('base64')}`);
    dependencies = { integrations: new IntegrationStore(db, secrets), runs: new RunStore(db), publisher };

    manage = await startManageSimulator({ MANAGE_SIM_PRIVATE_KEY: MANAGE_PRIVATE_KEY, MANAGE_SIM_SEED: '5' });
    hudu = buildHuduSimulator({ apiKeys: [HUDU_API_KEY, ROTATED_HUDU_API_KEY], seed: false });
    huduOrigin = await hudu.listen({ port: 0, host: '127.0.0.1' });

    reader = kafka.consumer({ groupId: uniqueName('admin-reader') });
    await reader.connect();
    await reader.subscribe({ topic: topicName(TOPICS.syncCommands, namespace), fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => void syncRequests.push(decodeEvent(message.value)),
    });

    // Every log line the API writes, at the most verbose level, is kept to be searched for secrets.
    const logger = createLogger({
      service: 'admin',
      level: 'trace',
      destination: { write: (line: string) => void logLines.push(line) },
    });
    app = buildServiceApp({
      name: 'admin',
      logger,
      readiness: [],
      routes: adminRoutes({
        dependencies: () => dependencies,
        adminToken: ADMIN_TOKEN,
        preflight: createPreflight({ timeoutMs: 10_000 }),
      }),
    });
    await app.ready();
  });

  beforeEach(async () => {
    await manage.control('PUT', `/_sim/members/${encodeURIComponent(manage.publicKey)}/grants`, {
      grants: ALL_GRANTS,
    });
  });

  afterAll(async () => {
    await app?.close();
    await reader?.disconnect();
    await publisher?.disconnect();
    await db?.dropDatabase().catch(() => undefined);
    await db?.close();
    await manage?.stop();
    await hudu?.close();
  });

  it('refuses every call without the bearer token (401) and serves the OpenAPI document', async () => {
    for (const token of [null, 'not-the-token', `${ADMIN_TOKEN}x`]) {
      const response = await call('GET', '/api/integrations', undefined, token);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        error: 'unauthorized',
        reasons: [expect.stringContaining('bearer token')],
      });
    }
    const withoutScheme = await app.inject({
      method: 'GET',
      url: '/api/integrations',
      headers: { authorization: ADMIN_TOKEN },
    });
    expect(withoutScheme.statusCode).toBe(401);

    const openapi = await call('GET', '/api/openapi.json', undefined, null);
    expect(openapi.status).toBe(200);
    expect(openapi.body['openapi']).toBe('3.1.0');
    const paths = openapi.body['paths'] as Record<string, Json>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/api/integrations',
        '/api/integrations/{id}',
        '/api/integrations/{id}/configuration-types',
        '/api/integrations/{id}/sync',
        '/api/integrations/{id}/runs',
        '/api/runs/{runId}',
      ]),
    );
    const createBody = JSON.stringify(paths['/api/integrations']?.['post']);
    expect(createBody).toContain(
      '"privateKey":{"type":"string","minLength":1,"maxLength":500,"writeOnly":true}',
    );
  });

  it('rejects bad input with 400 naming each field, and saves nothing', async () => {
    const id = freshId();
    const response = await call(
      'POST',
      '/api/integrations',
      newIntegration(id, {
        hudu: { baseUrl: 'http://hudu.example.com', apiKey: HUDU_API_KEY },
        options: { matchPolicy: 'sometimes' },
        surprise: true,
      }),
    );
    expect(response.status).toBe(400);
    expect(response.body['error']).toBe('invalid request');
    const reasons = (response.body['reasons'] as string[]).join('\n');
    expect(reasons).toContain('hudu.baseUrl: must be an https URL');
    expect(reasons).toContain('options.matchPolicy:');
    expect(reasons).toContain('surprise: not a field that can be set here');
    expect((await call('GET', `/api/integrations/${id}`)).status).toBe(404);

    const badId = await call('POST', '/api/integrations', newIntegration('Not An Id'));
    expect(badId.status).toBe(400);
    expect(badId.body['reasons']).toEqual([expect.stringMatching(/^id: /)]);

    const notJson = await app.inject({
      method: 'POST',
      url: '/api/integrations',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      payload: `{"manage": {"privateKey": "${MANAGE_PRIVATE_KEY}"`,
    });
    bodies.push(notJson.body);
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toEqual({ error: 'invalid request', reasons: ['(body): is not valid JSON'] });
  });

  it('creates, reads, lists, updates (rotating a secret) and deletes an integration; secrets stay write-only', async () => {
    const id = freshId();
    const created = await call('POST', '/api/integrations', newIntegration(id));
    expect(created.status).toBe(201);
    expect(created.body['preflight']).toMatchObject({
      ok: true,
      manage: { ok: true, credentialsAccepted: true, missingGrants: [] },
      hudu: { ok: true, version: expect.any(String) },
      reasons: [],
    });
    expect(created.body['integration']).toMatchObject({
      id,
      manage: { siteUrl: manage.url, publicKey: manage.publicKey, privateKeySet: true },
      hudu: { baseUrl: huduOrigin, apiKeySet: true },
      options: { matchPolicy: 'review', skipContacts: false },
    });

    const again = await call('POST', '/api/integrations', newIntegration(id));
    expect(again.status).toBe(409);

    const read = await call('GET', `/api/integrations/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body['integration']);
    const list = await call('GET', '/api/integrations');
    expect((list.body['integrations'] as Json[]).map((i) => i['id'])).toContain(id);

    const patched = await call('PATCH', `/api/integrations/${id}`, {
      name: 'Renamed',
      options: { matchPolicy: 'auto-exact', skipContacts: true },
      hudu: { apiKey: ROTATED_HUDU_API_KEY },
    });
    expect(patched.status).toBe(200);
    expect(patched.body['integration']).toMatchObject({
      name: 'Renamed',
      options: { matchPolicy: 'auto-exact', skipContacts: true, skipConfigurations: false },
    });
    expect(patched.body['preflight']).toMatchObject({ ok: true });
    // The rotated key is what is stored (sealed); the Manage key left out is kept.
    const credentials = await dependencies.integrations.credentials(id);
    expect(credentials.hudu.apiKey).toBe(ROTATED_HUDU_API_KEY);
    expect(credentials.manage.privateKey).toBe(MANAGE_PRIVATE_KEY);

    // Options alone need no preflight.
    const optionsOnly = await call('PATCH', `/api/integrations/${id}`, {
      options: { skipConfigurations: true },
    });
    expect(optionsOnly.status).toBe(200);
    expect(optionsOnly.body['preflight']).toBeUndefined();

    const empty = await call('PATCH', `/api/integrations/${id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body['reasons']).toEqual([expect.stringContaining('nothing to change')]);

    expect((await call('DELETE', `/api/integrations/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/integrations/${id}`)).status).toBe(404);
    expect((await call('DELETE', `/api/integrations/${id}`)).status).toBe(404);
    expect((await call('PATCH', `/api/integrations/${id}`, { name: 'x' })).status).toBe(404);
  });

  it('reports each missing Manage grant by name (422, nothing saved) unless ?skipPreflight=true', async () => {
    await manage.control('PUT', `/_sim/members/${encodeURIComponent(manage.publicKey)}/grants`, {
      grants: ALL_GRANTS.filter((g) => g !== 'Companies / Configurations'),
    });
    const id = freshId();
    const refused = await call('POST', '/api/integrations', newIntegration(id));
    expect(refused.status).toBe(422);
    expect(refused.body['error']).toBe('preflight failed');
    expect(refused.body['reasons']).toEqual([
      'Manage security role is missing Companies → Configurations (Inquire): read configurations',
    ]);
    expect(refused.body['preflight']).toMatchObject({
      ok: false,
      manage: {
        ok: false,
        credentialsAccepted: true,
        missingGrants: ['Companies → Configurations (Inquire): read configurations'],
      },
      hudu: { ok: true },
    });
    expect((await call('GET', `/api/integrations/${id}`)).status).toBe(404);

    const saved = await call('POST', `/api/integrations?skipPreflight=true`, newIntegration(id));
    expect(saved.status).toBe(201);
    expect(saved.body['preflight']).toEqual({ skipped: true });
  });

  it('reports a wrong Hudu key and wrong Manage keys as 422 with the reasons, never the keys', async () => {
    const id = freshId();
    const wrong = await call(
      'POST',
      '/api/integrations',
      newIntegration(id, {
        manage: {
          siteUrl: manage.url,
          companyId: manage.companyId,
          publicKey: manage.publicKey,
          privateKey: 'Admin-Test-Wrong-Manage-Key-5555',
          clientId: 'client',
        },
        hudu: { baseUrl: huduOrigin, apiKey: WRONG_HUDU_API_KEY },
      }),
    );
    expect(wrong.status).toBe(422);
    const reasons = wrong.body['reasons'] as string[];
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/^Manage rejected the API keys \(401/);
    expect(reasons[1]).toMatch(/^Hudu rejected the API key \(401/);
    expect(JSON.stringify(wrong.body)).not.toContain('Admin-Test-Wrong-Manage-Key-5555');
    expect((await call('GET', `/api/integrations/${id}`)).status).toBe(404);

    // A PATCH that rotates to a wrong key is refused the same way and keeps the stored key.
    const good = freshId();
    expect((await call('POST', '/api/integrations', newIntegration(good))).status).toBe(201);
    const rotate = await call('PATCH', `/api/integrations/${good}`, { hudu: { apiKey: WRONG_HUDU_API_KEY } });
    expect(rotate.status).toBe(422);
    expect(rotate.body['reasons']).toEqual([expect.stringMatching(/^Hudu rejected the API key/)]);
    expect((await dependencies.integrations.credentials(good)).hudu.apiKey).toBe(HUDU_API_KEY);
  });

  it('lists the discovered configuration types with counts and which are skipped', async () => {
    const id = freshId();
    expect((await call('POST', '/api/integrations?skipPreflight=true', newIntegration(id))).status).toBe(201);
    const before = await call('GET', `/api/integrations/${id}/configuration-types`);
    expect(before.body).toEqual({ types: [], skippedTypeIds: [], skippedButNotDiscovered: [] });
    await dependencies.integrations.recordDiscoveredTypes(id, [
      { id: 1, name: 'Workstation', count: 40 },
      { id: 2, name: 'Printer', count: 3 },
    ]);
    await call('PATCH', `/api/integrations/${id}`, { options: { skippedConfigurationTypeIds: [2, 9] } });
    const after = await call('GET', `/api/integrations/${id}/configuration-types`);
    expect(after.status).toBe(200);
    expect(after.body).toEqual({
      types: [
        { id: 1, name: 'Workstation', count: 40, skipped: false },
        { id: 2, name: 'Printer', count: 3, skipped: true },
      ],
      skippedTypeIds: [2, 9],
      skippedButNotDiscovered: [9],
    });
    expect((await call('GET', '/api/integrations/nope/configuration-types')).status).toBe(404);
  });

  it('requests a sync: publishes SyncRequested with the run id and the run appears', async () => {
    const id = freshId();
    expect((await call('POST', '/api/integrations?skipPreflight=true', newIntegration(id))).status).toBe(201);

    const bad = await call('POST', `/api/integrations/${id}/sync`, { mode: 'sideways' });
    expect(bad.status).toBe(400);
    expect(bad.body['reasons']).toEqual([expect.stringMatching(/^mode: /)]);
    expect((await call('POST', '/api/integrations/nope/sync', { mode: 'full' })).status).toBe(404);

    const accepted = await call('POST', `/api/integrations/${id}/sync`, { mode: 'full', force: true });
    expect(accepted.status).toBe(202);
    const runId = accepted.body['runId'] as string;
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);

    const request = await waitFor(() => syncRequests.find((e) => e.runId === runId), {
      what: 'SyncRequested for the run',
      timeoutMs: 30_000,
    });
    expect(request).toMatchObject({
      type: 'SyncRequested',
      integrationId: id,
      runId,
      payload: { mode: 'full', force: true, requestedBy: 'admin-api' },
    });

    const run = await call('GET', `/api/runs/${runId}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      id: runId,
      integrationId: id,
      mode: 'full',
      stage: 'requested',
      counts: {},
      huduCalls: 0,
      errors: [],
    });
    // Progress reported by the services shows up in the view.
    await dependencies.runs.setStage(runId, 'importing');
    await dependencies.runs.count(runId, 'company', 'created', 2, 3);
    await dependencies.runs.addError(runId, {
      service: 'importer',
      kind: 'company',
      manageId: 7,
      reason: 'Hudu said no',
    });
    const progressed = await call('GET', `/api/runs/${runId}`);
    expect(progressed.body).toMatchObject({
      // the run view reads "completed" from the counts once every reported record was handled (RunStore)
      stage: expect.stringMatching(/^(importing|completed)$/),
      counts: { company: { created: 2 } },
      huduCalls: 3,
      errors: [expect.objectContaining({ service: 'importer', manageId: 7, reason: 'Hudu said no' })],
    });

    const incremental = await call('POST', `/api/integrations/${id}/sync`, { mode: 'incremental' });
    expect(incremental.status).toBe(202);
    const runs = await call('GET', `/api/integrations/${id}/runs`);
    expect(runs.status).toBe(200);
    const ids = (runs.body['runs'] as Json[]).map((r) => r['id']);
    expect(ids).toHaveLength(2);
    expect(ids).toEqual(expect.arrayContaining([runId, incremental.body['runId']]));
    expect((await call('GET', `/api/runs/${'0'.repeat(8)}-no-such-run`)).status).toBe(404);
    expect((await call('GET', `/api/integrations/${id}/runs?limit=0`)).status).toBe(400);
  });

  it('never puts a secret in a response body or a log line', () => {
    expect(bodies.length).toBeGreaterThan(30);
    // The capture works: the API's own lines are here (with ids, never keys).
    expect(logLines.join('\n')).toContain('"msg":"integration created"');
    const everything = [...bodies, ...logLines].join('\n');
    for (const secret of [...SECRETS, 'Admin-Test-Wrong-Manage-Key-5555']) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(Buffer.from(secret).toString('base64'));
    }
    expect(everything).not.toContain(ADMIN_TOKEN);
  });
});
