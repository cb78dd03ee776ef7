/**
 * Telemetry settings from the standard OpenTelemetry environment variables. Pure, so the "off unless an
 * endpoint is configured" rule is unit-tested without loading the SDK.
 */
export type OtlpProtocol = 'http/json' | 'http/protobuf';

export interface EnvironmentTelemetry {
  service: string;
  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. */
  endpoint: string;
  protocol: OtlpProtocol;
  /** OTEL_BSP_SCHEDULE_DELAY, OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_MAX_EXPORT_BATCH_SIZE, OTEL_BSP_EXPORT_TIMEOUT. */
  batch: BatchSettings;
}

export interface BatchSettings {
  scheduledDelayMillis?: number;
  maxQueueSize?: number;
  maxExportBatchSize?: number;
  exportTimeoutMillis?: number;
}

const BATCH_VARIABLES: ReadonlyArray<[keyof BatchSettings, string]> = [
  ['scheduledDelayMillis', 'OTEL_BSP_SCHEDULE_DELAY'],
  ['maxQueueSize', 'OTEL_BSP_MAX_QUEUE_SIZE'],
  ['maxExportBatchSize', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'],
  ['exportTimeoutMillis', 'OTEL_BSP_EXPORT_TIMEOUT'],
];

function batchFromEnvironment(env: NodeJS.ProcessEnv): BatchSettings {
  const batch: BatchSettings = {};
  for (const [key, variable] of BATCH_VARIABLES) {
    const raw = env[variable]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`${variable} must be a positive integer (got "${raw}")`);
    batch[key] = value;
  }
  return batch;
}

/**
 * Returns undefined (telemetry off) unless OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT
 * is set, or when OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. The service name is
 * OTEL_SERVICE_NAME, else `fallbackService` (the app's folder name in dist/apps/<app>/).
 */
export function telemetryFromEnvironment(
  env: NodeJS.ProcessEnv,
  fallbackService: string,
): EnvironmentTelemetry | undefined {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return undefined;
  if (env['OTEL_TRACES_EXPORTER']?.trim().toLowerCase() === 'none') return undefined;
  const traces = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim();
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  const endpoint = traces || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (!endpoint) return undefined;
  const protocolSetting = (
    env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] ??
    env['OTEL_EXPORTER_OTLP_PROTOCOL'] ??
    'http/json'
  ).trim();
  if (protocolSetting !== 'http/json' && protocolSetting !== 'http/protobuf') {
    throw new Error(
      `OTEL_EXPORTER_OTLP_PROTOCOL must be http/json or http/protobuf (got "${protocolSetting}"); grpc is not bundled`,
    );
  }
  return {
    service: env['OTEL_SERVICE_NAME']?.trim() || fallbackService,
    endpoint,
    protocol: protocolSetting,
    batch: batchFromEnvironment(env),
  };
}
