/**
 * Loaded with `node --require ./otel.js main.js` so the SDK patches http, undici and mongodb before the
 * service requires them. Reads OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (or OTEL_EXPORTER_OTLP_ENDPOINT +
 * /v1/traces) and OTEL_SERVICE_NAME; with no endpoint it does nothing.
 */
import { startTelemetry } from './lib/telemetry';

const base = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
const endpoint =
  process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ??
  (base ? `${base.replace(/\/$/, '')}/v1/traces` : undefined);
const sdk = startTelemetry({
  service: process.env['OTEL_SERVICE_NAME'] ?? 'cw-hudu-sync',
  ...(endpoint ? { endpoint } : {}),
});
if (sdk) {
  const shutdown = () => void sdk.shutdown().catch(() => undefined);
  process.once('beforeExit', shutdown);
}
