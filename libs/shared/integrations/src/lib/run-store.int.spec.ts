import type { Connection } from 'mongoose';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { isolatedMongoUrl, testLogger } from '@cw-hudu-sync/testing';
import { RunStore } from './run-store';

describe('RunStore against the real MongoDB-protocol server', () => {
  let db: Connection;
  let runs: RunStore;
  beforeAll(async () => {
    db = await connectDatabase({ url: isolatedMongoUrl('runs'), logger: testLogger() });
    runs = new RunStore(db);
  });
  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  });

  it('starts idempotently, counts concurrently without losing increments, and finishes', async () => {
    const id = RunStore.newRunId();
    await runs.start(id, 'acme', 'full');
    await runs.start(id, 'acme', 'full');
    await Promise.all(Array.from({ length: 25 }, () => runs.count(id, 'configuration', 'created', 1, 1)));
    await runs.count(id, 'contact', 'skipped', 4);
    await runs.setStage(id, 'completed');
    const run = await runs.get(id);
    expect(run).toMatchObject({
      integrationId: 'acme',
      stage: 'completed',
      counts: { configuration: { created: 25 }, contact: { skipped: 4 } },
      huduCalls: 25,
    });
    expect(run?.finishedAt).toBeDefined();
    expect((await runs.list('acme')).map((r) => r.id)).toEqual([id]);
  });

  it('keeps errors with reasons, bounded', async () => {
    const id = RunStore.newRunId();
    await runs.start(id, 'acme', 'incremental');
    await runs.addError(id, {
      service: 'importer',
      kind: 'configuration',
      manageId: 7,
      reason: 'x'.repeat(5_000),
    });
    const run = await runs.get(id);
    expect(run?.errors).toHaveLength(1);
    expect(run?.errors[0]).toMatchObject({ service: 'importer', kind: 'configuration', manageId: 7 });
    expect(run?.errors[0]?.reason.length).toBe(1_000);
  });

  it('sanitises count keys so field names cannot inject dotted paths', async () => {
    const id = RunStore.newRunId();
    await runs.start(id, 'acme', 'full');
    await runs.count(id, 'a.b', '$set');
    expect((await runs.get(id))?.counts).toEqual({ a_b: { _set: 1 } });
  });
});
