import { exposedMetrics, isExposed, metricNamesIn } from './promql';

describe('metricNamesIn', () => {
  it.each([
    ['cwhs_consumer_lag', ['cwhs_consumer_lag']],
    ['sum by (group, topic) (cwhs_consumer_lag{group=~"$group"})', ['cwhs_consumer_lag']],
    [
      'histogram_quantile(0.95, sum by (le, topic) (rate(cwhs_message_handler_seconds_bucket[$__rate_interval])))',
      ['cwhs_message_handler_seconds_bucket'],
    ],
    [
      'sum(rate(cwhs_hudu_budget_wait_seconds_sum[5m])) / sum(rate(cwhs_hudu_budget_wait_seconds_count[5m]))',
      ['cwhs_hudu_budget_wait_seconds_count', 'cwhs_hudu_budget_wait_seconds_sum'],
    ],
    [
      'time() - max by (integration) (cwhs_last_successful_sync_timestamp_seconds) > 6 * 3600',
      ['cwhs_last_successful_sync_timestamp_seconds'],
    ],
    [
      'increase(cwhs_manage_auth_failures_total{status=~"401|403"}[15m]) > 0',
      ['cwhs_manage_auth_failures_total'],
    ],
    ['sum(rate(a_total[5m])) by (x) / on (x) group_left (y) b_info', ['a_total', 'b_info']],
    ['delta(cwhs_consumer_lag[15m] offset 5m) > 1e3 and cwhs_consumer_lag > 0x10', ['cwhs_consumer_lag']],
    ['{__name__="cwhs_records_total", integration="acme"}', ['cwhs_records_total']],
    ['label_replace(up, "dst", "$1", "src", "(.*)")', ['up']],
    [
      'sum(rate(cwhs_records_total{outcome!="unchanged"}[${__range}])) without (service) or vector(0)',
      ['cwhs_records_total'],
    ],
    [
      'max_over_time(cwhs_consumer_lag[1h:5m]) unless ignoring (service) absent(cwhs_consumer_lag)',
      ['cwhs_consumer_lag'],
    ],
  ])('%s', (expr, names) => expect(metricNamesIn(expr)).toEqual(names));
});

describe('exposed metrics', () => {
  const scrape = [
    '# HELP cwhs_consumer_lag Messages not yet committed.',
    '# TYPE cwhs_consumer_lag gauge',
    '# HELP cwhs_message_handler_seconds Time a handler took.',
    '# TYPE cwhs_message_handler_seconds histogram',
    'cwhs_message_handler_seconds_bucket{le="0.1"} 3',
    '# TYPE cwhs_records_total counter',
    '# TYPE rpc_seconds summary',
  ].join('\n');
  const exposed = exposedMetrics(scrape);

  it('reads the declared names and types, samples or not', () => {
    expect(Object.fromEntries(exposed)).toEqual({
      cwhs_consumer_lag: 'gauge',
      cwhs_message_handler_seconds: 'histogram',
      cwhs_records_total: 'counter',
      rpc_seconds: 'summary',
    });
  });

  it('knows the series of histograms and summaries, and nothing else', () => {
    expect(isExposed('cwhs_consumer_lag', exposed)).toBe(true);
    expect(isExposed('cwhs_message_handler_seconds_bucket', exposed)).toBe(true);
    expect(isExposed('cwhs_message_handler_seconds_sum', exposed)).toBe(true);
    expect(isExposed('cwhs_message_handler_seconds_count', exposed)).toBe(true);
    expect(isExposed('rpc_seconds_count', exposed)).toBe(true);
    expect(isExposed('rpc_seconds_bucket', exposed)).toBe(false);
    expect(isExposed('cwhs_consumer_lag_bucket', exposed)).toBe(false);
    expect(isExposed('cwhs_records', exposed)).toBe(false);
    expect(isExposed('cwhs_unknown_total', exposed)).toBe(false);
  });
});
