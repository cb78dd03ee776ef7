import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { IntegrationStore, RunStore, ScheduleStore } from '@cw-hudu-sync/integrations';
import type { EventPublisher } from '@cw-hudu-sync/messaging';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { buildServiceApp } from '@cw-hudu-sync/service';
import { isolatedMongoUrl, testLogger } from '@cw-hudu-sync/testing';
import { adminRoutes, type AdminDependencies } from './app/admin-api';
import { mongoCallbackHealth } from './app/continuous-sync';

const ADMIN_TOKEN = randomBytes(24).toString('hex');
type Json = Record<string, unknown>;

describe('admin API: continuous sync (real database)', () => {
  let db: Connection;
  let dependencies: AdminDependencies;
  let app: ReturnType<typeof buildServiceApp>;

  const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, token = ADMIN_TOKEN) => {
    const response = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as Json }),
    });
    return { status: response.statusCode, body: (response.body ? response.json() : undefined) as Json };
  };

  beforeAll(async () => {
    db = await connectDatabase({ url: isolatedMongoUrl('admin-cs'), logger: testLogger() });
    const secrets = SecretBox.fromEnvironment(`k1:${randomBytes(32).toString('base64')}`);
    dependencies = {
      integrations: new IntegrationStore(db, secrets),
      runs: new RunStore(db),
      publisher: {} as EventPublisher, // no sync is requested here
      schedule: new ScheduleStore(db),
      callbackHealth: mongoCallbackHealth(db),
    };
    await dependencies.integrations.create({
      id: 'acme',
      name: 'Acme',
      manage: {
        siteUrl: 'http://127.0.0.1:4000',
        companyId: 'acme',
        publicKey: 'pub',
        privateKey: 'priv',
        clientId: 'cid',
      },
      hudu: { baseUrl: 'http://127.0.0.1:4001', apiKey: 'key' },
      options: { matchPolicy: 'auto-exact' },
    });
    app = buildServiceApp({
      name: 'admin',
      logger: testLogger('admin'),
      readiness: [],
      routes: adminRoutes({
        dependencies: () => dependencies,
        adminToken: ADMIN_TOKEN,
        preflight: async () => {
          throw new Error('no preflight in this test');
        },
      }),
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await db?.dropDatabase().catch(() => undefined);
    await db?.close();
  });

  it('shows the defaults: off, nothing scheduled, no callbacks registered', async () => {
    const { status, body } = await call('GET', '/api/integrations/acme/continuous-sync');
    expect(status).toBe(200);
    expect(body).toEqual({
      settings: { enabled: false, pollIntervalSeconds: 60, reconcile: { dailyAt: '02:00' }, callbacks: true },
      poll: { nextAt: null },
      reconcile: { nextAt: null },
      callbacks: { wanted: false, registered: false, callbackIds: [], rejected: 0, processed: {} },
    });
  });

  it('needs the bearer token and a known integration', async () => {
    expect(
      (await call('GET', '/api/integrations/acme/continuous-sync', undefined, 'wrong-token')).status,
    ).toBe(401);
    expect((await call('GET', '/api/integrations/nope/continuous-sync')).status).toBe(404);
    expect((await call('POST', '/api/integrations/nope/continuous-sync/enable')).status).toBe(404);
  });

  it('validates a change and names what is wrong', async () => {
    const bad = await call('PATCH', '/api/integrations/acme/continuous-sync', {
      pollIntervalSeconds: 1,
      reconcile: { dailyAt: '25:00' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body['reasons'])).toMatch(/pollIntervalSeconds/);
    expect(JSON.stringify(bad.body['reasons'])).toMatch(/reconcile/);
    expect((await call('PATCH', '/api/integrations/acme/continuous-sync', {})).status).toBe(400);
    expect((await call('PATCH', '/api/integrations/acme/continuous-sync', { every: 5 })).status).toBe(400);
  });

  it('enables, changes part of the settings (keeping the rest and the other options), disables', async () => {
    const enabled = await call('POST', '/api/integrations/acme/continuous-sync/enable');
    expect(enabled.status).toBe(200);
    expect(enabled.body['settings']).toMatchObject({ enabled: true });

    const changed = await call('PATCH', '/api/integrations/acme/continuous-sync', {
      pollIntervalSeconds: 30,
      reconcile: { everySeconds: 3600 },
    });
    expect(changed.status).toBe(200);
    expect(changed.body['settings']).toEqual({
      enabled: true,
      pollIntervalSeconds: 30,
      reconcile: { everySeconds: 3600 },
      callbacks: true,
    });
    // enabled, nothing emitted yet: due at the scheduler's next tick
    expect((changed.body['poll'] as Json)['nextAt']).toEqual(expect.any(String));
    const integration = await call('GET', '/api/integrations/acme');
    expect((integration.body['options'] as Json)['matchPolicy']).toBe('auto-exact');

    const disabled = await call('POST', '/api/integrations/acme/continuous-sync/disable');
    expect(disabled.body['settings']).toMatchObject({ enabled: false, pollIntervalSeconds: 30 });
    expect(disabled.body['poll']).toEqual({ nextAt: null });
  });

  it('shows the last slot, the next one, the last run and callback health', async () => {
    await call('POST', '/api/integrations/acme/continuous-sync/enable');
    const slotAt = new Date(Date.now() - 5_000);
    const nextAt = new Date(Date.now() + 25_000);
    await dependencies.schedule!.claim(
      { id: 'acme:poll:x', integrationId: 'acme', kind: 'poll', slotAt, nextAt, runId: 'sched-acme-poll-1' },
      'fetcher-1:42',
    );
    await dependencies.schedule!.markPublished('acme:poll:x');
    await dependencies.runs.start('sched-acme-poll-1', 'acme', 'incremental');
    await db.collection('fetcher_callback_registrations').insertOne({
      _id: 'acme' as never,
      enabled: true,
      callbackIds: [7, 8, 9],
      registeredAt: new Date('2026-12-03T10:00:00Z'),
    });
    await db.collection('fetcher_callback_health').insertOne({
      _id: 'acme' as never,
      lastReceivedAt: new Date('2026-12-03T11:00:00Z'),
      processed: { fetched: 4, unchanged: 1 },
    });
    await db.collection('fetcher_callback_rejections').insertMany([
      { integrationId: 'acme', reason: 'unsigned' },
      { integrationId: 'acme', reason: 'bad_signature' },
      { integrationId: 'other', reason: 'unsigned' },
    ]);

    const { body } = await call('GET', '/api/integrations/acme/continuous-sync');
    expect(body['poll']).toEqual({
      last: {
        slotAt: slotAt.toISOString(),
        runId: 'sched-acme-poll-1',
        emittedBy: 'fetcher-1:42',
        published: true,
      },
      nextAt: nextAt.toISOString(),
    });
    expect(body['lastRun']).toMatchObject({
      id: 'sched-acme-poll-1',
      mode: 'incremental',
      stage: 'requested',
    });
    expect(body['callbacks']).toEqual({
      wanted: true,
      registered: true,
      callbackIds: [7, 8, 9],
      registeredAt: '2026-12-03T10:00:00.000Z',
      lastReceivedAt: '2026-12-03T11:00:00.000Z',
      rejected: 2,
      processed: { fetched: 4, unchanged: 1 },
    });
  });

  it('is in the OpenAPI document', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    const paths = Object.keys((response.json() as { paths: Json }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/integrations/{id}/continuous-sync',
        '/api/integrations/{id}/continuous-sync/enable',
        '/api/integrations/{id}/continuous-sync/disable',
      ]),
    );
  });
});
