import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { checkConsistency } from './consistency';
import { exposedMetrics } from './promql';
import { type RunningServices, SERVICES, startServices } from './services';

/**
 * The dashboard and the alert rules against the real services: the five built services run against
 * the real Kafka broker and database, and every metric a panel or a rule reads must be declared on
 * some service's /metrics. Build first: `npx nx run-many -t build -p fetcher,matcher,importer,link,admin`
 * (the project's test target does).
 */
describe('dashboard and alert rules against the running services', () => {
  const workspace = path.resolve(__dirname, '../../../..');
  const read = (file: string) => fs.readFileSync(path.join(workspace, 'k8s/base/monitoring', file), 'utf8');
  let services: RunningServices;

  beforeAll(async () => {
    const kafkaBrokers = process.env['KAFKA_BROKERS'];
    const mongoUrl = process.env['MONGO_URL'];
    if (!kafkaBrokers || !mongoUrl)
      throw new Error('KAFKA_BROKERS and MONGO_URL must be set (the stack setup does)');
    services = await startServices({
      workspace,
      kafkaBrokers,
      mongoUrl,
      timeoutMs: 180_000,
      tag: `mon${Date.now().toString(36)}${randomBytes(3).toString('hex')}`,
    });
  }, 400_000);

  afterAll(async () => {
    await services?.stop();
  });

  it('every metric used by a panel or a rule is exposed by the services', async () => {
    const scrapes = await services.scrape();
    const exposed = new Map<string, string>();
    for (const text of Object.values(scrapes))
      for (const [name, type] of exposedMetrics(text)) exposed.set(name, type);
    const report = checkConsistency(
      { dashboard: read('grafana-dashboard.json'), rules: read('alert-rules.yaml') },
      exposed,
    );
    expect(report.problems).toEqual([]);
    // The check had something to check: the dashboard and the rules read the product's metrics.
    expect(report.used.size).toBeGreaterThanOrEqual(15);
  });

  it('every service declares every product metric from the start, before any sample', async () => {
    const scrapes = await services.scrape();
    for (const service of SERVICES) {
      const exposed = exposedMetrics(scrapes[service]);
      for (const name of [
        'cwhs_records_total',
        'cwhs_last_successful_sync_timestamp_seconds',
        'cwhs_hudu_requests_total',
        'cwhs_manage_auth_failures_total',
        'cwhs_consumer_lag',
        'cwhs_messages_dead_lettered_total',
      ]) {
        expect(`${service}: ${exposed.has(name) ? name : `${name} missing`}`).toBe(`${service}: ${name}`);
      }
    }
  });

  it('the same check fails for a dashboard that reads a metric no service exposes', async () => {
    const scrapes = await services.scrape();
    const exposed = exposedMetrics(Object.values(scrapes).join('\n'));
    const dashboard = JSON.parse(read('grafana-dashboard.json')) as {
      panels: Array<Record<string, unknown>>;
    };
    dashboard.panels.push({
      title: 'ghost',
      type: 'stat',
      datasource: { type: 'prometheus', uid: '${datasource}' },
      targets: [{ refId: 'A', expr: 'sum(rate(cwhs_ghost_records_total[5m]))' }],
    });
    const report = checkConsistency(
      { dashboard: JSON.stringify(dashboard), rules: read('alert-rules.yaml') },
      exposed,
    );
    expect(report.problems).toEqual([
      'cwhs_ghost_records_total is not exposed by any service (used by panel "ghost")',
    ]);
  });
});
