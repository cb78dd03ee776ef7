import { checkCollectorConfig } from './collector-config';

const valid = `
receivers: { otlp: { protocols: { http: {} } } }
processors: { batch: {} }
exporters: { debug: {} }
extensions: { health_check: {} }
service:
  extensions: [health_check]
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [debug] }
`;

describe('checkCollectorConfig', () => {
  it('accepts a pipeline whose components are all defined', () => {
    expect(checkCollectorConfig(valid)).toEqual([]);
  });

  it('names undefined components and empty pipelines', () => {
    const broken = `
receivers: { otlp: {} }
exporters: { debug: {} }
service:
  extensions: [pprof]
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [otlphttp] }
    metrics: { receivers: [otlp] }
`;
    expect(checkCollectorConfig(broken)).toEqual([
      '/service/pipelines/traces/processors: "batch" is not defined under processors',
      '/service/pipelines/traces/exporters: "otlphttp" is not defined under exporters',
      '/service/pipelines/metrics/exporters: must name at least one',
      '/service/extensions: "pprof" is not defined under extensions',
    ]);
  });
});
