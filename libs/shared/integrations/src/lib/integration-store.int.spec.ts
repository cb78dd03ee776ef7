import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { isolatedMongoUrl, testLogger } from '@cw-hudu-sync/testing';
import { IntegrationExistsError, IntegrationNotFoundError, IntegrationStore } from './integration-store';

const PRIVATE_KEY = 'manage-private-key-s3cret';
const API_KEY = 'hudu-api-key-s3cret';

describe('IntegrationStore against the real MongoDB-protocol server', () => {
  let db: Connection;
  let store: IntegrationStore;
  const box = new SecretBox([{ id: 'k1', key: randomBytes(32) }]);

  beforeAll(async () => {
    db = await connectDatabase({ url: isolatedMongoUrl('integrations'), logger: testLogger() });
    store = new IntegrationStore(db, box);
  });
  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  });

  const input = {
    id: 'acme',
    name: 'Acme MSP',
    manage: {
      siteUrl: 'http://127.0.0.1:4000',
      companyId: 'acme',
      publicKey: 'pub',
      privateKey: PRIVATE_KEY,
      clientId: 'cid',
    },
    hudu: { baseUrl: 'http://127.0.0.1:4001', apiKey: API_KEY },
  };

  it('stores secrets sealed, returns views without them, and decrypts credentials on request', async () => {
    const view = await store.create(input);
    expect(JSON.stringify(view)).not.toContain(PRIVATE_KEY);
    expect(JSON.stringify(view)).not.toContain(API_KEY);
    expect(view.manage.privateKeySet).toBe(true);

    const raw = await db.collection('integrations').findOne({ _id: 'acme' as never });
    expect(JSON.stringify(raw)).not.toContain(PRIVATE_KEY);
    expect(JSON.stringify(raw)).not.toContain(API_KEY);

    const credentials = await store.credentials('acme');
    expect(credentials.manage.privateKey).toBe(PRIVATE_KEY);
    expect(credentials.hudu.apiKey).toBe(API_KEY);
    expect(credentials.options.matchPolicy).toBe('review');
  });

  it('refuses a second integration with the same id', async () => {
    await expect(store.create(input)).rejects.toBeInstanceOf(IntegrationExistsError);
  });

  it('updates options and keeps secrets that were not sent; replaces those that were', async () => {
    const updated = await store.update('acme', {
      options: { matchPolicy: 'auto-exact', skipContacts: true },
    });
    expect(updated.options).toMatchObject({
      matchPolicy: 'auto-exact',
      skipContacts: true,
      contactLayout: 'Contacts',
      huduRequestsPerMinute: 300,
    });
    const raised = await store.update('acme', { options: { huduRequestsPerMinute: 1_200 } });
    expect(raised.options).toMatchObject({ matchPolicy: 'auto-exact', huduRequestsPerMinute: 1_200 });
    expect((await store.credentials('acme')).options.huduRequestsPerMinute).toBe(1_200);
    expect((await store.credentials('acme')).manage.privateKey).toBe(PRIVATE_KEY);
    await store.update('acme', { hudu: { apiKey: 'rotated-key' } });
    expect((await store.credentials('acme')).hudu.apiKey).toBe('rotated-key');
    expect((await store.credentials('acme')).hudu.baseUrl).toBe('http://127.0.0.1:4001');
  });

  it("reads options saved before a setting existed with that setting's default", async () => {
    await db.collection('integrations').updateOne({ _id: 'acme' } as never, {
      $unset: { 'options.huduRequestsPerMinute': '' },
    });
    expect((await store.credentials('acme')).options.huduRequestsPerMinute).toBe(300);
    expect((await store.get('acme'))?.options.huduRequestsPerMinute).toBe(300);
  });

  it('records discovered configuration types', async () => {
    await store.recordDiscoveredTypes('acme', [{ id: 3, name: 'Server', count: 12 }]);
    expect((await store.get('acme'))?.discoveredConfigurationTypes).toEqual([
      { id: 3, name: 'Server', count: 12 },
    ]);
  });

  it('lists, reports unknown ids, and deletes', async () => {
    expect((await store.list()).map((i) => i.id)).toEqual(['acme']);
    await expect(store.credentials('nope')).rejects.toBeInstanceOf(IntegrationNotFoundError);
    await expect(store.update('nope', { name: 'x' })).rejects.toBeInstanceOf(IntegrationNotFoundError);
    expect(await store.delete('acme')).toBe(true);
    expect(await store.get('acme')).toBeUndefined();
  });
});
