import type { Connection } from 'mongoose';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { isolatedMongoUrl, testLogger } from '@cw-hudu-sync/testing';
import { SnapshotStore } from './snapshot-store';

const logger = testLogger('snapshot-store-test');

describe('SnapshotStore against the real MongoDB-protocol server', () => {
  let db: Connection;
  let store: SnapshotStore;
  beforeAll(async () => {
    db = await connectDatabase({ url: isolatedMongoUrl('snapshots'), logger });
    store = new SnapshotStore(db);
    await store.ensureIndexes();
  });
  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  });

  const emitted = (hashes: Record<number, string>) =>
    Object.entries(hashes).map(([id, hash]) => ({ manageId: Number(id), hash, companyManageId: 9 }));

  it('one read per page: what previous() found decides insert or update, and a stale answer still ends right', async () => {
    const page = [1, 2, 3];
    const first = await store.previous('int-a', 'configuration', page);
    expect(first).toEqual({ hashes: new Map(), stored: new Set() });
    await store.recordPage(
      'int-a',
      'configuration',
      'run-1',
      emitted({ 1: 'a1', 2: 'a2', 3: 'a3' }),
      [],
      first.stored,
    );

    const second = await store.previous('int-a', 'configuration', page);
    expect(second.hashes).toEqual(
      new Map([
        [1, 'a1'],
        [2, 'a2'],
        [3, 'a3'],
      ]),
    );
    expect(second.stored).toEqual(new Set(page));
    await store.recordPage(
      'int-a',
      'configuration',
      'run-2',
      emitted({ 2: 'b2' }),
      [{ manageId: 1 }],
      second.stored,
    );
    expect((await store.previous('int-a', 'configuration', page)).hashes.get(2)).toBe('b2');

    // A caller whose answer is stale (the records were stored meanwhile): the inserts fail, the upserts win.
    await store.recordPage('int-a', 'configuration', 'run-3', emitted({ 1: 'c1', 3: 'c3' }), [], new Set());
    const third = await store.previous('int-a', 'configuration', page);
    expect(third.hashes).toEqual(
      new Map([
        [1, 'c1'],
        [2, 'b2'],
        [3, 'c3'],
      ]),
    );
    expect(await db.collection('fetcher_snapshots').countDocuments({ integrationId: 'int-a' })).toBe(3);
    // Another kind and another integration are other records.
    expect((await store.previous('int-a', 'contact', page)).stored.size).toBe(0);
    expect((await store.previous('int-b', 'configuration', page)).stored.size).toBe(0);
  });

  it('a record stored without a hash (seen, never emitted) is stored but has no previous hash', async () => {
    await db.collection('fetcher_snapshots').insertOne({
      _id: 'int-c:contact:7' as never,
      integrationId: 'int-c',
      kind: 'contact',
      manageId: 7,
      seenRunId: 'old',
      updatedAt: new Date(),
    });
    const previous = await store.previous('int-c', 'contact', [7, 8]);
    expect(previous).toEqual({ hashes: new Map(), stored: new Set([7]) });
    await store.recordPage('int-c', 'contact', 'run-1', emitted({ 7: 'h7', 8: 'h8' }), [], previous.stored);
    expect((await store.previous('int-c', 'contact', [7, 8])).hashes).toEqual(
      new Map([
        [7, 'h7'],
        [8, 'h8'],
      ]),
    );
  });
});
