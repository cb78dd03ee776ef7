import type { Connection } from 'mongoose';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { isolatedMongoUrl, testLogger } from '@cw-hudu-sync/testing';
import { MatchStore } from './match-store';

const logger = testLogger('match-store-test');

const company = (id: number) => ({ id, identifier: `CO${id}`, name: `Company ${id}` }) as never;

describe('MatchStore against the real MongoDB-protocol server', () => {
  let db: Connection;
  let store: MatchStore;
  beforeAll(async () => {
    db = await connectDatabase({ url: isolatedMongoUrl('matchstore'), logger });
    store = new MatchStore(db);
    await store.ensureIndexes();
  });
  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  });

  it.each([0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 23])(
    'finds the latest of %i decisions by point reads, and a seq taken twice loses',
    async (count) => {
      const manageCompanyId = 1_000 + count;
      for (let seq = 0; seq < count; seq++) {
        const recorded = await store.recordDecision('int-a', manageCompanyId, seq, {
          decision: seq % 2 === 0 ? 'create' : 'ignore',
          decidedBy: `admin:${seq + 1}`,
          reasons: [],
        } as never);
        expect(recorded?.seq).toBe(seq + 1);
      }
      const latest = await store.latestDecision('int-a', manageCompanyId);
      expect(latest?.seq).toBe(count === 0 ? undefined : count);
      expect(latest?.decidedBy).toBe(count === 0 ? undefined : `admin:${count}`);
      // Another integration's company with the same Manage id is not this one.
      expect(await store.latestDecision('int-b', manageCompanyId)).toBeUndefined();
      if (count > 0) {
        const late = await store.recordDecision('int-a', manageCompanyId, count - 1, {
          decision: 'ignore',
          decidedBy: 'admin:late',
          reasons: [],
        } as never);
        expect(late).toBeUndefined();
      }
    },
  );

  it('keeps what a version before keyed ids stored: companies and decisions are found after the migration', async () => {
    const legacyDb = await connectDatabase({ url: isolatedMongoUrl('matchlegacy'), logger });
    try {
      await legacyDb
        .collection('matcher_companies')
        .createIndex({ integrationId: 1, manageCompanyId: 1 }, { unique: true });
      await legacyDb
        .collection('matcher_decisions')
        .createIndex({ integrationId: 1, manageCompanyId: 1, seq: 1 }, { unique: true });
      await legacyDb.collection('matcher_companies').insertOne({
        integrationId: 'old',
        manageCompanyId: 5,
        company: company(5),
        contentHash: 'h5',
        removed: false,
        updatedAt: new Date(),
      });
      await legacyDb.collection('matcher_decisions').insertMany([
        {
          integrationId: 'old',
          manageCompanyId: 5,
          seq: 1,
          decision: 'create',
          decidedBy: 'policy',
          at: 'x',
          reasons: [],
        },
        {
          integrationId: 'old',
          manageCompanyId: 5,
          seq: 2,
          decision: null,
          decidedBy: 'admin:a',
          at: 'y',
          reasons: [],
        },
      ]);

      const legacyStore = new MatchStore(legacyDb);
      await legacyStore.ensureIndexes();

      expect(await legacyStore.company('old', 5)).toMatchObject({ _id: 'old:5', contentHash: 'h5' });
      expect(await legacyStore.latestDecision('old', 5)).toMatchObject({
        seq: 2,
        decision: null,
        decidedBy: 'admin:a',
      });
      // The next decision goes on from the migrated log; a second one with the same seq loses.
      const next = { decision: 'create', decidedBy: 'admin:b', reasons: [] } as never;
      expect((await legacyStore.recordDecision('old', 5, 2, next))?.seq).toBe(3);
      expect(await legacyStore.recordDecision('old', 5, 2, next)).toBeUndefined();
      await legacyStore.saveSnapshot('old', company(5), 'h5b', undefined);
      expect(await legacyDb.collection('matcher_companies').countDocuments({})).toBe(1);
    } finally {
      await legacyDb.dropDatabase().catch(() => undefined);
      await legacyDb.close();
    }
  });
});
