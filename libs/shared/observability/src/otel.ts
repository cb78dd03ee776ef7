/**
 * The preload, built beside every service as dist/apps/<app>/otel.js and loaded FIRST:
 *
 *   node --require dist/apps/<app>/otel.js dist/apps/<app>/main.js
 *
 * so the SDK patches http, undici, mongodb, mongoose and fastify before the service requires them (the
 * bundles keep third-party packages external, so they are real `require`s the SDK can hook).
 * Reads OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces),
 * OTEL_EXPORTER_OTLP_PROTOCOL (http/json by default, or http/protobuf) and OTEL_SERVICE_NAME (default: the
 * app's folder name). With no endpoint it does nothing: the SDK is not even loaded.
 */
import path from 'node:path';
import { telemetryFromEnvironment } from './lib/settings';

const settings = telemetryFromEnvironment(process.env, path.basename(__dirname));
if (settings) {
  // A synchronous require on purpose: the SDK must be running before main.js starts, and it must not be
  // loaded at all (no start-up or memory cost) when telemetry is off.
  const { startTelemetry } = require('./lib/telemetry') as typeof import('./lib/telemetry');
  const sdk = startTelemetry(settings);
  if (sdk) {
    // Spans still buffered in the batch processor go out on the way down: everything on a stop signal
    // (the service then drains and exits on its own; the SDK keeps working meanwhile), the rest when the
    // event loop empties. Never keep alive a process that would have died on the signal.
    process.once('beforeExit', () => void sdk.shutdown().catch(() => undefined));
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        const others = process.listenerCount(signal);
        void sdk
          .forceFlush()
          .catch(() => undefined)
          .finally(() => {
            if (others === 0) process.kill(process.pid, signal);
          });
      });
    }
  }
}
