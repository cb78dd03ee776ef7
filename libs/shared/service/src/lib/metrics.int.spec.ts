import type { Connection } from 'mongoose';
import { Registry } from 'prom-client';
import { RunStore } from '@cw-hudu-sync/integrations';
import { connectDatabase } from '@cw-hudu-sync/persistence';
import { isolatedMongoUrl, testLogger } from '@cw-hudu-sync/testing';
import { FACT_CHANNELS, registerServiceMetrics, type ServiceMetrics } from './metrics';

/**
 * The run store's facts, from a real RunStore on the MongoDB-protocol server to the registry: the
 * channel names the store publishes on are the ones the platform listens to.
 */
describe('run progress metrics from the real RunStore', () => {
  let db: Connection;
  let registry: Registry;
  let metrics: ServiceMetrics;

  beforeAll(async () => {
    db = await connectDatabase({ url: isolatedMongoUrl('runmetrics'), logger: testLogger() });
  });
  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  });
  beforeEach(() => {
    registry = new Registry();
    metrics = registerServiceMetrics(registry);
  });
  afterEach(() => metrics.close());

  const records = async () =>
    Object.fromEntries(
      ((await registry.getSingleMetric('cwhs_records_total')?.get())?.values ?? []).map((v) => [
        `${v.labels['integration']}/${v.labels['kind']}/${v.labels['outcome']}`,
        v.value,
      ]),
    );

  it('uses the same channel names as the run store', () => {
    expect(RunStore.channels).toEqual({ count: FACT_CHANNELS.runCount, stage: FACT_CHANNELS.runStage });
  });

  it('counts outcomes under the run’s integration, in the process that started the run and in others', async () => {
    const runId = RunStore.newRunId();
    await new RunStore(db).start(runId, 'acme', 'full');
    const starter = new RunStore(db);
    await starter.start(runId, 'acme', 'full');
    await starter.count(runId, 'configuration', 'parked', 4);
    // Another service (the importer) only has the run id: the store reads the integration once.
    const importer = new RunStore(db);
    await importer.count(runId, 'configuration', 'created', 2, 2);
    await importer.count(runId, 'configuration', 'created');
    await importer.count(runId, 'contact', 'blocked');
    expect(await records()).toEqual({
      'acme/configuration/parked': 4,
      'acme/configuration/created': 3,
      'acme/contact/blocked': 1,
    });
    // The run's own view is unchanged by the metrics.
    expect((await importer.get(runId))?.counts).toEqual({
      configuration: { parked: 4, created: 3 },
      contact: { blocked: 1 },
    });
  });

  it('sets the last successful sync when a run completes', async () => {
    const runId = RunStore.newRunId();
    const runs = new RunStore(db);
    await runs.start(runId, 'globex', 'incremental');
    await runs.setStage(runId, 'fetching');
    const before = Date.now() / 1000;
    await new RunStore(db).setStage(runId, 'completed');
    const values = (await registry.getSingleMetric('cwhs_last_successful_sync_timestamp_seconds')?.get())
      ?.values;
    expect(values).toEqual([expect.objectContaining({ labels: { integration: 'globex' } })]);
    expect(values?.[0]?.value).toBeGreaterThanOrEqual(Math.floor(before));
    const stages = (await registry.getSingleMetric('cwhs_run_stages_total')?.get())?.values ?? [];
    expect(stages.map((v) => v.labels['stage']).sort()).toEqual(['completed', 'fetching']);
  });

  it('names an unknown run’s integration "unknown" instead of failing the count', async () => {
    await new RunStore(db).count('no-such-run', 'company', 'matched');
    expect(await records()).toEqual({ 'unknown/company/matched': 1 });
  });
});
