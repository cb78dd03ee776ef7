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

  it('keeps the counts of each stage apart and reads a run as completed once every emitted record was handled', async () => {
    const fetcher = new RunStore(db, { stage: 'fetch' });
    const matcher = new RunStore(db, { stage: 'match' });
    const importer = new RunStore(db, { stage: 'import' });
    const id = RunStore.newRunId();
    await fetcher.start(id, 'acme', 'full');
    await fetcher.setStage(id, 'fetching');
    await fetcher.count(id, 'company', 'fetched', 2);
    await fetcher.count(id, 'configuration', 'fetched', 3);
    await fetcher.count(id, 'configuration', 'unchanged', 5);
    let run = await importer.get(id);
    expect(run?.stage).toBe('fetching');
    expect(run?.progress.complete).toBe(false);
    expect(run?.progress.stages[0]).toMatchObject({ stage: 'fetch', done: 10 });

    await fetcher.setStage(id, 'importing');
    await matcher.count(id, 'company', 'matched', 2);
    await importer.count(id, 'company', 'created', 2);
    await importer.count(id, 'configuration', 'unchanged', 2);
    run = await importer.get(id);
    // `unchanged` by the fetcher (not emitted) and by the importer (nothing to write) are different facts.
    expect(run?.stages).toEqual({
      fetch: { company: { fetched: 2 }, configuration: { fetched: 3, unchanged: 5 } },
      match: { company: { matched: 2 } },
      import: { company: { created: 2 }, configuration: { unchanged: 2 } },
    });
    expect(run?.counts['configuration']).toEqual({ fetched: 3, unchanged: 7 });
    expect(run?.stage).toBe('importing');
    expect(run?.progress.stages[2]).toMatchObject({ stage: 'import', done: 4, total: 5 });
    expect(run?.finishedAt).toBeUndefined();

    await importer.count(id, 'configuration', 'parked', 1);
    run = await importer.get(id);
    expect(run?.stage).toBe('completed');
    expect(run?.progress).toMatchObject({
      complete: true,
      stages: [{}, {}, { done: 5, total: 5, etaSeconds: 0 }],
    });
    expect(run?.finishedAt).toBeDefined();
  });
});
