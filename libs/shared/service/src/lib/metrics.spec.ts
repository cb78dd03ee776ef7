import diagnostics from 'node:diagnostics_channel';
import { Registry } from 'prom-client';
import { createEvent } from '@cw-hudu-sync/contracts';
import { FACT_CHANNELS, registerServiceMetrics, type ServiceMetrics } from './metrics';

/** The value of one series in the registry (`series` for histogram parts), or undefined without a sample. */
async function sample(registry: Registry, name: string, labels: Record<string, string> = {}, series = name) {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  if (!metric) throw new Error(`${name} is not registered`);
  const values = metric.values as Array<{
    value: number;
    labels: Record<string, unknown>;
    metricName?: string;
  }>;
  const match = values.find(
    (v) =>
      (v.metricName ?? name) === series &&
      Object.entries(labels).every(([key, value]) => String(v.labels[key]) === value),
  );
  return match?.value;
}

const publish = (channel: string, fact: unknown) => diagnostics.channel(channel).publish(fact);

describe('service metrics', () => {
  let registry: Registry;
  let metrics: ServiceMetrics;

  beforeEach(() => {
    registry = new Registry();
    metrics = registerServiceMetrics(registry);
  });
  afterEach(() => metrics.close());

  it('registers every product metric up front, so /metrics lists them before any sample', async () => {
    const text = await registry.metrics();
    for (const name of [
      'cwhs_records_total',
      'cwhs_events_published_by_type_total',
      'cwhs_run_stages_total',
      'cwhs_last_successful_sync_timestamp_seconds',
      'cwhs_manage_requests_total',
      'cwhs_manage_request_seconds',
      'cwhs_manage_auth_failures_total',
      'cwhs_hudu_requests_total',
      'cwhs_hudu_request_seconds',
      'cwhs_hudu_rate_limited_total',
      'cwhs_hudu_rate_limit_wait_seconds_total',
      'cwhs_hudu_budget_wait_seconds',
      'cwhs_database_command_seconds',
      'cwhs_messages_handled_total',
      'cwhs_message_handler_seconds',
      'cwhs_messages_dead_lettered_total',
      'cwhs_events_published_total',
      'cwhs_consumer_lag',
      'cwhs_consumer_lag_refresh_failures_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('counts Manage calls by route template and status, and 401/403 as auth failures', async () => {
    publish(FACT_CHANNELS.manageCall, {
      method: 'GET',
      route: '/company/companies',
      status: 200,
      outcome: 'response',
      seconds: 0.2,
    });
    publish(FACT_CHANNELS.manageCall, { method: 'GET', route: '/system/info', status: 401, seconds: 0.01 });
    publish(FACT_CHANNELS.manageCall, { method: 'GET', route: '/system/info', status: 403, seconds: 0.01 });
    publish(FACT_CHANNELS.manageCall, {
      method: 'GET',
      route: '/system/info',
      status: undefined,
      seconds: 1,
    });
    const route = { method: 'GET', route: '/company/companies' };
    expect(await sample(registry, 'cwhs_manage_requests_total', { ...route, status: '200' })).toBe(1);
    expect(
      await sample(registry, 'cwhs_manage_requests_total', { route: '/system/info', status: 'none' }),
    ).toBe(1);
    expect(await sample(registry, 'cwhs_manage_auth_failures_total', { status: '401' })).toBe(1);
    expect(await sample(registry, 'cwhs_manage_auth_failures_total', { status: '403' })).toBe(1);
    expect(
      await sample(
        registry,
        'cwhs_manage_request_seconds',
        { route: '/company/companies' },
        'cwhs_manage_request_seconds_count',
      ),
    ).toBe(1);
  });

  it('counts Hudu calls, 429s with their pause, and the time spent waiting for the budget', async () => {
    publish(FACT_CHANNELS.huduCall, { method: 'PUT', route: '/companies/{id}', status: 429, seconds: 0.01 });
    publish(FACT_CHANNELS.huduRateLimited, { route: '/companies/{id}', waitMs: 1500 });
    publish(FACT_CHANNELS.huduCall, { method: 'PUT', route: '/companies/{id}', status: 200, seconds: 0.03 });
    publish(FACT_CHANNELS.huduBudgetWait, { waitedMs: 0 });
    publish(FACT_CHANNELS.huduBudgetWait, { waitedMs: 2500 });
    const put = { method: 'PUT', route: '/companies/{id}' };
    expect(await sample(registry, 'cwhs_hudu_requests_total', { ...put, status: '429' })).toBe(1);
    expect(await sample(registry, 'cwhs_hudu_requests_total', { ...put, status: '200' })).toBe(1);
    expect(await sample(registry, 'cwhs_hudu_rate_limited_total', { route: '/companies/{id}' })).toBe(1);
    expect(await sample(registry, 'cwhs_hudu_rate_limit_wait_seconds_total')).toBe(1.5);
    const budget = 'cwhs_hudu_budget_wait_seconds';
    expect(await sample(registry, budget, {}, `${budget}_count`)).toBe(2);
    expect(await sample(registry, budget, {}, `${budget}_sum`)).toBe(2.5);
  });

  it('times database commands by command, collection and success; ignores malformed facts', async () => {
    publish(FACT_CHANNELS.databaseCommand, { command: 'find', collection: 'importer_records', seconds: 0.5, ok: true });
    publish(FACT_CHANNELS.databaseCommand, { command: 'find', collection: 'importer_records', seconds: 1.5, ok: true });
    publish(FACT_CHANNELS.databaseCommand, { command: 'insert', collection: 'runs', seconds: 0.01, ok: false });
    publish(FACT_CHANNELS.databaseCommand, { command: 'ping', collection: '', seconds: 0.01, ok: true });
    publish(FACT_CHANNELS.databaseCommand, { command: 'find', collection: 'x', seconds: -1, ok: true });
    publish(FACT_CHANNELS.databaseCommand, 'not a fact');
    const name = 'cwhs_database_command_seconds';
    const find = { command: 'find', collection: 'importer_records', ok: 'true' };
    expect(await sample(registry, name, find, `${name}_sum`)).toBe(2);
    expect(await sample(registry, name, find, `${name}_count`)).toBe(2);
    expect(await sample(registry, name, { command: 'insert', ok: 'false' }, `${name}_count`)).toBe(1);
    expect(await sample(registry, name, { command: 'ping', collection: 'none' }, `${name}_count`)).toBe(1);
    expect(await sample(registry, name, { collection: 'x' }, `${name}_count`)).toBeUndefined();
  });

  it('counts record outcomes by integration, kind and outcome; ignores empty and malformed facts', async () => {
    publish(FACT_CHANNELS.runCount, {
      integrationId: 'acme',
      kind: 'configuration',
      outcome: 'parked',
      n: 3,
    });
    publish(FACT_CHANNELS.runCount, {
      integrationId: 'acme',
      kind: 'configuration',
      outcome: 'parked',
      n: 2,
    });
    publish(FACT_CHANNELS.runCount, { integrationId: 'acme', kind: 'contact', outcome: 'blocked', n: 0 });
    publish(FACT_CHANNELS.runCount, { integrationId: 'acme', kind: 'contact', outcome: 'failed', n: -1 });
    publish(FACT_CHANNELS.runCount, 'not a fact');
    publish(FACT_CHANNELS.runCount, null);
    const labels = { integration: 'acme', kind: 'configuration', outcome: 'parked' };
    expect(await sample(registry, 'cwhs_records_total', labels)).toBe(5);
    expect(await sample(registry, 'cwhs_records_total', { kind: 'contact' })).toBeUndefined();
  });

  it('sets the last successful sync from a completed run stage and counts stages', async () => {
    publish(FACT_CHANNELS.runStage, { integrationId: 'acme', stage: 'fetching', at: 1_000_000 });
    publish(FACT_CHANNELS.runStage, { integrationId: 'acme', stage: 'completed', at: 2_000_000 });
    expect(await sample(registry, 'cwhs_run_stages_total', { integration: 'acme', stage: 'fetching' })).toBe(
      1,
    );
    expect(
      await sample(registry, 'cwhs_last_successful_sync_timestamp_seconds', { integration: 'acme' }),
    ).toBe(2_000);
  });

  it('counts published events by type and integration; FetchCompleted is a successful sync', async () => {
    const fetched = createEvent(
      'FetchCompleted',
      { integrationId: 'globex' },
      {
        mode: 'full',
        counts: {},
        configurationTypes: [],
      },
    );
    const requested = createEvent(
      'SyncRequested',
      { integrationId: 'globex' },
      {
        mode: 'full',
        force: false,
        requestedBy: 'test',
      },
    );
    metrics.published([requested, requested, fetched]);
    expect(
      await sample(registry, 'cwhs_events_published_by_type_total', {
        integration: 'globex',
        type: 'SyncRequested',
      }),
    ).toBe(2);
    expect(
      await sample(registry, 'cwhs_last_successful_sync_timestamp_seconds', { integration: 'globex' }),
    ).toBe(Date.parse(fetched.occurredAt) / 1000);
  });

  it('stops counting once closed', async () => {
    metrics.close();
    publish(FACT_CHANNELS.huduRateLimited, { route: '/companies', waitMs: 10 });
    expect(await sample(registry, 'cwhs_hudu_rate_limited_total', { route: '/companies' })).toBeUndefined();
  });

  it('keeps two registries apart (one per service in a test process)', async () => {
    const other = new Registry();
    const second = registerServiceMetrics(other);
    try {
      publish(FACT_CHANNELS.huduRateLimited, { route: '/assets', waitMs: 10 });
      expect(await sample(registry, 'cwhs_hudu_rate_limited_total', { route: '/assets' })).toBe(1);
      expect(await sample(other, 'cwhs_hudu_rate_limited_total', { route: '/assets' })).toBe(1);
    } finally {
      second.close();
    }
  });
});
