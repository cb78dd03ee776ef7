import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Envelope } from '@cw-hudu-sync/contracts';
import { IntegrationStore, ScheduleStore } from '@cw-hudu-sync/integrations';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { isolatedMongoUrl, testLogger } from '@cw-hudu-sync/testing';
import { LeaseLostError, RunLeaseStore } from './run-lease';
import { SyncScheduler } from './scheduler';

describe('scheduler and run lease against the real MongoDB-protocol server', () => {
  let db: Connection;
  let integrations: IntegrationStore;
  let schedule: ScheduleStore;

  beforeAll(async () => {
    db = await connectDatabase({ url: isolatedMongoUrl('sched'), logger: testLogger() });
    integrations = new IntegrationStore(db, new SecretBox([{ id: 'k1', key: randomBytes(32) }]));
    schedule = new ScheduleStore(db);
    await schedule.ensureIndexes();
    for (const [id, enabled] of [
      ['on', true],
      ['off', false],
    ] as const) {
      await integrations.create({
        id,
        name: id,
        manage: {
          siteUrl: 'http://127.0.0.1:1',
          companyId: 'c',
          publicKey: 'p',
          privateKey: 'k',
          clientId: 'x',
        },
        hudu: { baseUrl: 'http://127.0.0.1:2', apiKey: 'k' },
        options: {
          continuousSync: {
            enabled,
            pollIntervalSeconds: 30,
            reconcile: { dailyAt: '02:00' },
            callbacks: false,
          },
        },
      });
    }
  });
  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  });

  const replicas = (count: number, clock: { now: number }, published: Envelope[], fail = () => false) =>
    Array.from(
      { length: count },
      (_, i) =>
        new SyncScheduler({
          integrations,
          schedule,
          publisher: {
            publish: async (events) => {
              if (fail()) throw new Error('Kafka is down');
              published.push(...[events].flat());
            },
          },
          logger: testLogger(),
          replica: `replica-${i}`,
          now: () => clock.now,
          orphanAfterMs: 5_000,
        }),
    );

  it('five replicas ticking at once emit each slot once: one reconcile and one poll per period', async () => {
    const published: Envelope[] = [];
    const clock = { now: Date.parse('2030-01-01T10:00:05Z') };
    const schedulers = replicas(5, clock, published);
    await Promise.all(schedulers.map((s) => s.tick()));
    await Promise.all(schedulers.map((s) => s.tick()));
    expect(published.map((e) => [e.integrationId, e.payload['mode'], e.runId])).toEqual(
      expect.arrayContaining([
        ['on', 'full', `sched-on-reconcile-${Date.parse('2030-01-01T02:00:00Z') / 1000}`],
        ['on', 'incremental', `sched-on-poll-${Date.parse('2030-01-01T10:00:00Z') / 1000}`],
      ]),
    );
    expect(published).toHaveLength(2);
    expect(published[1]?.payload).toMatchObject({
      requestedBy: 'scheduler',
      schedule: { kind: 'poll', slotAt: '2030-01-01T10:00:00.000Z' },
    });

    clock.now += 30_000; // the next poll period; the reconcile slot is the same
    await Promise.all(schedulers.map((s) => s.tick()));
    expect(published).toHaveLength(3);
    expect(published[2]?.runId).toBe(`sched-on-poll-${Date.parse('2030-01-01T10:00:30Z') / 1000}`);
    expect(await schedule.hasLaterSlot('on', 'poll', new Date('2030-01-01T10:00:00Z'))).toBe(true);
    expect(await schedule.latest('off', 'poll')).toBeUndefined();
  });

  it('a slot claimed but never published (Kafka down) is taken over once, later', async () => {
    const published: Envelope[] = [];
    const clock = { now: Date.parse('2030-01-02T10:00:05Z') };
    let down = true;
    const [claimer] = replicas(1, clock, published, () => down);
    expect(await claimer!.tick()).toEqual([]); // claimed both slots, published neither
    down = false;
    const others = replicas(3, clock, published);
    await Promise.all(others.map((s) => s.tick()));
    expect(published).toEqual([]); // claimed by the first replica, not orphaned yet
    clock.now += 6_000; // past the orphan delay (same poll period)
    await Promise.all(others.map((s) => s.tick()));
    await Promise.all(others.map((s) => s.tick()));
    expect(published.map((e) => e.runId).sort()).toEqual([
      `sched-on-poll-${Date.parse('2030-01-02T10:00:00Z') / 1000}`,
      `sched-on-reconcile-${Date.parse('2030-01-02T02:00:00Z') / 1000}`,
    ]);
    expect((await schedule.latest('on', 'poll'))?.publishedAt).toBeDefined();
    expect((await schedule.latest('on', 'reconcile'))?.publishedAt).toBeDefined();
  });

  it('the run lease: one holder at a time; the next waits for the release; a holder that lost it stops', async () => {
    const a = new RunLeaseStore(db, 'a');
    const b = new RunLeaseStore(db, 'b');
    await a.ensureIndexes();
    const held = await a.acquire('lease-test', 'run-1', { ttlMs: 2_000 });
    let bHolds = false;
    const waiting = b.acquire('lease-test', 'run-2', { ttlMs: 2_000, waitIntervalMs: 50 }).then((lease) => {
      bHolds = true;
      return lease;
    });
    await new Promise((r) => setTimeout(r, 2_500)); // longer than the ttl: a renews, b keeps waiting
    expect(bHolds).toBe(false);
    held.assertHeld();
    await held.release('completed');
    const second = await waiting;
    expect(second.epoch).toBe(held.epoch + 1);

    // Someone takes the next epoch behind b's back (as after an expiry): b notices at its next renewal.
    await db.collection('fetcher_run_leases').insertOne({
      _id: `lease-test:${second.epoch + 1}` as never,
      integrationId: 'lease-test',
      epoch: second.epoch + 1,
      holder: 'c',
      runId: 'run-3',
      acquiredAt: new Date(),
      expiresAt: new Date(Date.now() + 60_000),
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(() => second.assertHeld()).toThrow(LeaseLostError);
    await second.release('completed');
    const history = await a.history('lease-test');
    expect(history.map((l) => [l.holder, l.outcome])).toEqual([
      ['a', 'completed'],
      ['b', 'lost'],
      ['c', undefined],
    ]);
  });

  it('of many fetchers contending for a free lease, exactly one wins', async () => {
    const stores = Array.from({ length: 8 }, (_, i) => new RunLeaseStore(db, `r${i}`));
    const order: string[] = [];
    await Promise.all(
      stores.map(async (store, i) => {
        const lease = await store.acquire('contended', `run-${i}`, { ttlMs: 3_000, waitIntervalMs: 20 });
        order.push(`start ${i}`);
        await new Promise((r) => setTimeout(r, 30));
        order.push(`end ${i}`);
        await lease.release('completed');
      }),
    );
    // strictly alternating: nobody started before the previous holder ended
    for (let i = 0; i < order.length; i += 2) {
      expect(order[i]).toMatch(/^start /);
      expect(order[i + 1]).toBe(order[i]!.replace('start', 'end'));
    }
    expect((await stores[0]!.history('contended')).map((l) => l.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
