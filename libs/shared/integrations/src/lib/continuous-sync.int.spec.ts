import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { isolatedMongoUrl, testLogger } from '@cw-hudu-sync/testing';
import { IntegrationStore } from './integration-store';
import { type ScheduleSlot, ScheduleStore } from './schedule-store';

describe('continuous-sync settings and schedule slots against the real MongoDB-protocol server', () => {
  let db: Connection;
  let integrations: IntegrationStore;
  let schedule: ScheduleStore;

  beforeAll(async () => {
    db = await connectDatabase({ url: isolatedMongoUrl('contsync'), logger: testLogger() });
    integrations = new IntegrationStore(db, new SecretBox([{ id: 'k1', key: randomBytes(32) }]));
    schedule = new ScheduleStore(db);
    await schedule.ensureIndexes();
  });
  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  });

  const input = (id: string) => ({
    id,
    name: id,
    manage: {
      siteUrl: 'http://127.0.0.1:4000',
      companyId: 'acme',
      publicKey: 'pub',
      privateKey: 'priv',
      clientId: 'cid',
    },
    hudu: { baseUrl: 'http://127.0.0.1:4001', apiKey: 'key' },
    options: { matchPolicy: 'auto-exact' as const, skipContacts: true },
  });

  it('a change of one continuous-sync setting keeps the others and every other option', async () => {
    await integrations.create(input('keep'));
    await integrations.update('keep', {
      options: { continuousSync: { pollIntervalSeconds: 15, reconcile: { everySeconds: 600 } } },
    });
    const view = await integrations.update('keep', { options: { continuousSync: { enabled: true } } });
    expect(view.options).toMatchObject({ matchPolicy: 'auto-exact', skipContacts: true });
    expect(view.options.continuousSync).toEqual({
      enabled: true,
      pollIntervalSeconds: 15,
      reconcile: { everySeconds: 600 },
      callbacks: true,
    });
    const other = await integrations.update('keep', { options: { skipConfigurations: true } });
    expect(other.options).toMatchObject({
      matchPolicy: 'auto-exact',
      skipContacts: true,
      skipConfigurations: true,
    });
    expect(other.options.continuousSync.enabled).toBe(true);
    expect(await integrations.continuousSyncSettings()).toEqual([
      { id: 'keep', continuousSync: view.options.continuousSync },
    ]);
  });

  it('an integration stored before continuous sync existed reads the defaults', async () => {
    await integrations.create(input('legacy'));
    await db
      .collection('integrations')
      .updateOne({ _id: 'legacy' as never }, { $unset: { 'options.continuousSync': '' } });
    expect((await integrations.get('legacy'))?.options.continuousSync).toEqual({
      enabled: false,
      pollIntervalSeconds: 60,
      reconcile: { dailyAt: '02:00' },
      callbacks: true,
    });
    expect((await integrations.credentials('legacy')).options.continuousSync.enabled).toBe(false);
  });

  const slot = (slotAt: number): ScheduleSlot => ({
    id: `acme:poll:${new Date(slotAt).toISOString()}`,
    integrationId: 'acme',
    kind: 'poll',
    slotAt: new Date(slotAt),
    nextAt: new Date(slotAt + 30_000),
    runId: `sched-acme-poll-${slotAt / 1000}`,
  });

  it('of 12 replicas claiming one slot at once, exactly one wins', async () => {
    const claims = await Promise.all(
      Array.from({ length: 12 }, (_, i) => schedule.claim(slot(1_800_000_000_000), `replica-${i}`)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await schedule.claim(slot(1_800_000_000_000), 'late')).toBe(false);
  });

  it('knows the latest slot, later slots, unpublished orphans, and lets one replica take an orphan over', async () => {
    await schedule.claim(slot(1_800_000_030_000), 'a');
    expect((await schedule.latest('acme', 'poll'))?.id).toBe(slot(1_800_000_030_000).id);
    expect(await schedule.latest('acme', 'reconcile')).toBeUndefined();
    expect(await schedule.hasLaterSlot('acme', 'poll', new Date(1_800_000_000_000))).toBe(true);
    expect(await schedule.hasLaterSlot('acme', 'poll', new Date(1_800_000_030_000))).toBe(false);

    await schedule.markPublished(slot(1_800_000_000_000).id);
    const orphans = await schedule.orphans(new Date(Date.now() + 1_000));
    expect(orphans.map((o) => o.id)).toEqual([slot(1_800_000_030_000).id]);
    expect(await schedule.orphans(new Date(Date.now() - 60_000))).toEqual([]);

    const takers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => schedule.takeOver(slot(1_800_000_030_000).id, `r${i}`)),
    );
    expect(takers.filter(Boolean)).toHaveLength(1);
  });
});
