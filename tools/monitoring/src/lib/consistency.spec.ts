import fs from 'node:fs';
import path from 'node:path';
import { checkConsistency } from './consistency';
import { checkDashboard } from './dashboard';
import { checkRules } from './rules';

const panel = (title: string, expr: string, extra: Record<string, unknown> = {}) => ({
  title,
  type: 'timeseries',
  datasource: { type: 'prometheus', uid: '${datasource}' },
  targets: [{ refId: 'A', expr }],
  ...extra,
});

const dashboard = (panels: unknown[]) =>
  JSON.stringify({
    uid: 'cwhs-test',
    title: 'test',
    templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus' }] },
    panels,
  });

const rules = (
  expr: string,
  annotations: Record<string, string> = { summary: 's', description: 'd', runbook: 'r' },
) =>
  [
    'apiVersion: monitoring.coreos.com/v1',
    'kind: PrometheusRule',
    'metadata: { name: test }',
    'spec:',
    '  groups:',
    '    - name: g',
    '      rules:',
    '        - alert: Something',
    `          expr: ${JSON.stringify(expr)}`,
    '          labels: { severity: warning }',
    `          annotations: ${JSON.stringify(annotations)}`,
  ].join('\n');

const exposed = new Map([
  ['cwhs_consumer_lag', 'gauge'],
  ['cwhs_message_handler_seconds', 'histogram'],
]);

describe('checkConsistency', () => {
  it('passes when every metric the panels and rules read is exposed', () => {
    const report = checkConsistency(
      {
        dashboard: dashboard([
          panel('lag', 'sum by (group) (cwhs_consumer_lag)'),
          panel(
            'p95',
            'histogram_quantile(0.95, sum by (le) (rate(cwhs_message_handler_seconds_bucket[5m])))',
          ),
        ]),
        rules: rules('max(cwhs_consumer_lag) > 100'),
      },
      exposed,
    );
    expect(report.problems).toEqual([]);
    expect([...report.used.keys()].sort()).toEqual([
      'cwhs_consumer_lag',
      'cwhs_message_handler_seconds_bucket',
    ]);
  });

  it('fails on a dashboard panel that reads a metric no service exposes', () => {
    const report = checkConsistency(
      {
        dashboard: dashboard([panel('ghost', 'rate(cwhs_ghost_records_total[5m])')]),
        rules: rules('cwhs_consumer_lag > 0'),
      },
      exposed,
    );
    expect(report.problems).toEqual([
      'cwhs_ghost_records_total is not exposed by any service (used by panel "ghost")',
    ]);
  });

  it('fails on a rule that reads a metric no service exposes, and on a counter read as a histogram', () => {
    const report = checkConsistency(
      {
        dashboard: dashboard([panel('lag', 'cwhs_consumer_lag')]),
        rules: rules('rate(cwhs_consumer_lag_bucket[5m]) > 0'),
      },
      exposed,
    );
    expect(report.problems).toEqual([
      'cwhs_consumer_lag_bucket is not exposed by any service (used by rule Something)',
    ]);
  });
});

describe('checkDashboard', () => {
  it('requires JSON, a datasource variable, and a datasource and a query on every panel', () => {
    expect(checkDashboard('{ nope').problems[0]).toMatch(/not JSON/);
    const result = checkDashboard(
      JSON.stringify({
        uid: 'x',
        templating: { list: [] },
        panels: [
          {
            title: 'fixed datasource',
            type: 'stat',
            datasource: { uid: 'prom-1' },
            targets: [{ expr: 'up' }],
          },
          { title: 'no query', type: 'stat', datasource: { uid: '$datasource' }, targets: [] },
          {
            title: 'row',
            type: 'row',
            panels: [{ title: 'nested', type: 'stat', targets: [{ expr: 'up' }] }],
          },
        ],
      }),
    );
    expect(result.problems).toEqual([
      'dashboard has no datasource variable (templating type "datasource")',
      'panel "fixed datasource" does not use the datasource variable',
      'panel "no query" does not use the datasource variable',
      'panel "no query" has no query',
      'panel "nested" does not use the datasource variable',
    ]);
  });
});

describe('checkRules', () => {
  it('requires a PrometheusRule whose alerts have a severity, summary, description and runbook', () => {
    const result = checkRules(rules('cwhs_consumer_lag > 0', { summary: 's' }));
    expect(result.problems).toEqual([
      'Something has no description annotation',
      'Something has no runbook annotation',
    ]);
    expect(checkRules('apiVersion: v1\nkind: ConfigMap\n').problems).toEqual([
      'apiVersion is not monitoring.coreos.com/v1',
      'kind is not PrometheusRule',
      'metadata.name is missing',
      'spec.groups is empty',
    ]);
  });
});

describe('the repository’s dashboard and alert rules', () => {
  const root = path.resolve(__dirname, '../../../..');
  const read = (file: string) => fs.readFileSync(path.join(root, 'k8s/base/monitoring', file), 'utf8');

  it('parse, and every panel has the datasource variable and a query', () => {
    const result = checkDashboard(read('grafana-dashboard.json'));
    expect(result.problems).toEqual([]);
    expect(result.queries.length).toBeGreaterThanOrEqual(10);
  });

  it('are a PrometheusRule whose alerts each carry severity, summary, description and runbook', () => {
    const result = checkRules(read('alert-rules.yaml'));
    expect(result.problems).toEqual([]);
    expect(result.queries.map((q) => q.alert).sort()).toEqual([
      'CwhsConsumerLagGrowing',
      'CwhsDeadLetters',
      'CwhsHuduRateLimited',
      'CwhsManageAuthFailures',
      'CwhsSyncStale',
    ]);
  });
});
