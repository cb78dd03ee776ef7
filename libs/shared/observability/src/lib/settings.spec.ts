import { telemetryFromEnvironment } from './settings';

describe('telemetryFromEnvironment', () => {
  it('is off without an endpoint', () => {
    expect(telemetryFromEnvironment({}, 'fetcher')).toBeUndefined();
    expect(telemetryFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, 'fetcher')).toBeUndefined();
  });

  it('appends /v1/traces to the base endpoint and names the service after the app', () => {
    expect(
      telemetryFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' }, 'matcher'),
    ).toEqual({
      service: 'matcher',
      endpoint: 'http://127.0.0.1:4318/v1/traces',
      protocol: 'http/json',
      batch: {},
    });
  });

  it('prefers the traces endpoint, OTEL_SERVICE_NAME and the traces protocol', () => {
    expect(
      telemetryFromEnvironment(
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom',
          OTEL_SERVICE_NAME: 'importer-eu',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
        },
        'importer',
      ),
    ).toEqual({
      service: 'importer-eu',
      endpoint: 'http://b:4318/custom',
      protocol: 'http/protobuf',
      batch: {},
    });
  });

  it.each([
    [{ OTEL_SDK_DISABLED: 'true' }],
    [{ OTEL_SDK_DISABLED: 'TRUE' }],
    [{ OTEL_TRACES_EXPORTER: 'none' }],
  ])('honours the standard off switches %j', (off) => {
    expect(
      telemetryFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', ...off }, 'link'),
    ).toBeUndefined();
  });

  it('reads the batch settings', () => {
    expect(
      telemetryFromEnvironment(
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
          OTEL_BSP_SCHEDULE_DELAY: '500',
          OTEL_BSP_MAX_QUEUE_SIZE: '65536',
          OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2048',
          OTEL_BSP_EXPORT_TIMEOUT: '10000',
        },
        'link',
      )?.batch,
    ).toEqual({
      scheduledDelayMillis: 500,
      maxQueueSize: 65536,
      maxExportBatchSize: 2048,
      exportTimeoutMillis: 10000,
    });
    expect(() =>
      telemetryFromEnvironment(
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_BSP_SCHEDULE_DELAY: 'soon' },
        'link',
      ),
    ).toThrow(/OTEL_BSP_SCHEDULE_DELAY must be a positive integer/);
  });

  it('refuses gRPC, which is not bundled', () => {
    expect(() =>
      telemetryFromEnvironment(
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
        'link',
      ),
    ).toThrow(/http\/json or http\/protobuf/);
  });
});
