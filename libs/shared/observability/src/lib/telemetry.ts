import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { SpanExporter } from '@opentelemetry/sdk-trace';

export interface TelemetrySettings {
  service: string;
  version?: string;
  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. Unset: telemetry stays off. */
  endpoint?: string;
  /** For tests: export here instead of OTLP. */
  exporter?: SpanExporter;
}

/**
 * Starts the OpenTelemetry SDK with the instrumentations this product relies on: incoming/outgoing HTTP
 * (Fastify's server, health probes), undici (the Manage and Hudu clients) and the MongoDB driver (under
 * Mongoose). Kafka is NOT auto-instrumented: the messaging library injects and extracts the trace context
 * per message itself (see libs/shared/messaging/src/lib/tracing.ts), which keeps one trace per record even
 * across batch consumers. Returns undefined, and costs nothing, when no endpoint or exporter is given.
 */
export function startTelemetry(settings: TelemetrySettings): NodeSDK | undefined {
  if (!settings.endpoint && !settings.exporter) return undefined;
  const traceExporter = settings.exporter ?? new OTLPTraceExporter({ url: settings.endpoint });
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.service,
      [ATTR_SERVICE_VERSION]: settings.version ?? '0.0.0',
    }),
    traceExporter,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes every few seconds would drown the traces that matter.
        ignoreIncomingRequestHook: (request) => /^\/(healthz|readyz|metrics)\b/.test(request.url ?? ''),
      }),
      new UndiciInstrumentation(),
      new MongoDBInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
  return sdk;
}
