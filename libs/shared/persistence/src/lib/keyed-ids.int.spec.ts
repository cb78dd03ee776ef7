import type { Connection } from 'mongoose';
import { isolatedMongoUrl, testLogger } from '@cw-hudu-sync/testing';
import { connectDatabase } from './database';
import { keyedId, migrateToKeyedIds } from './keyed-ids';

const logger = testLogger('keyed-ids-test');

describe('migration to keyed ids against the real MongoDB-protocol server', () => {
  let db: Connection;
  beforeAll(async () => {
    db = await connectDatabase({ url: isolatedMongoUrl('keyedids'), logger });
  });
  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  });

  const keyOf = (doc: { integrationId?: unknown; manageCompanyId?: unknown }) =>
    keyedId(String(doc.integrationId), Number(doc.manageCompanyId));

  it('moves every legacy document to its keyed _id, drops the old unique key, and leaves keyed ones alone', async () => {
    const collection = db.collection('legacy_companies');
    await collection.createIndex({ integrationId: 1, manageCompanyId: 1 }, { unique: true });
    const legacy = Array.from({ length: 1_203 }, (_, n) => ({
      integrationId: n % 2 === 0 ? 'a' : 'b',
      manageCompanyId: n,
      payload: { name: `Company ${n}`, tags: [n] },
    }));
    await collection.insertMany(legacy.map((doc) => ({ ...doc })));
    await collection.insertOne({ _id: 'a:9999' as never, integrationId: 'a', manageCompanyId: 9999 });

    const result = await migrateToKeyedIds(collection, keyOf, ['integrationId_1_manageCompanyId_1']);

    expect(result).toEqual({ moved: 1_203, droppedIndexes: ['integrationId_1_manageCompanyId_1'] });
    const after = await collection.find({}).toArray();
    expect(after).toHaveLength(1_204);
    expect(after.every((doc) => typeof doc._id === 'string')).toBe(true);
    const byId = new Map(after.map((doc) => [String(doc._id), doc]));
    for (const doc of legacy) {
      expect(byId.get(`${doc.integrationId}:${doc.manageCompanyId}`)).toMatchObject(doc);
    }
    const indexes = (await collection.listIndexes().toArray()).map((index) => index['name']);
    expect(indexes).not.toContain('integrationId_1_manageCompanyId_1');

    expect(await migrateToKeyedIds(collection, keyOf, ['integrationId_1_manageCompanyId_1'])).toEqual({
      moved: 0,
      droppedIndexes: [],
    });
  });

  it('lets two processes migrate at once: both start, every document ends under its keyed _id once', async () => {
    const collection = db.collection('raced_companies');
    await collection.insertMany(
      Array.from({ length: 700 }, (_, n) => ({ integrationId: 'r', manageCompanyId: n, payload: n })),
    );
    const results = await Promise.all([
      migrateToKeyedIds(collection, keyOf),
      migrateToKeyedIds(collection, keyOf),
    ]);
    expect(results.every((r) => r.moved <= 700)).toBe(true);
    const after = await collection.find({}).toArray();
    expect(after).toHaveLength(700);
    expect(new Set(after.map((doc) => doc._id))).toEqual(
      new Set(Array.from({ length: 700 }, (_, n) => `r:${n}`)),
    );
  });

  it('finishes a migration a crash interrupted between the copy and the delete, without duplicates', async () => {
    const collection = db.collection('interrupted_companies');
    const original = { integrationId: 'a', manageCompanyId: 7, payload: 'old copy' };
    await collection.insertOne({ ...original });
    // The copy made before the crash (the original was not deleted yet).
    await collection.insertOne({ ...original, _id: 'a:7' as never });

    const result = await migrateToKeyedIds(collection, keyOf);

    expect(result.moved).toBe(0);
    expect(await collection.find({}).toArray()).toEqual([{ ...original, _id: 'a:7' }]);
  });
});
