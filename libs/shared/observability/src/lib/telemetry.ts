import FastifyOtelInstrumentation from '@fastify/otel';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { MongooseInstrumentation } from '@opentelemetry/instrumentation-mongoose';
import {
  UndiciInstrumentation,
  type UndiciInstrumentationConfig,
} from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  type BatchSpanProcessorOptions,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { redactedUrlAttributes } from './redaction';
import type { OtlpProtocol } from './settings';

export interface TelemetrySettings {
  service: string;
  version?: string;
  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. Unset: telemetry stays off. */
  endpoint?: string;
  /** OTLP encoding; JSON unless told otherwise. */
  protocol?: OtlpProtocol;
  /** For tests: export here instead of OTLP. */
  exporter?: SpanExporter;
  /** Batching (OTEL_BSP_* in the environment); the SDK's defaults otherwise. */
  batch?: Omit<BatchSpanProcessorOptions, 'exporter'>;
}

/** A running telemetry set-up: flush on demand, flush and stop on the way down. */
export interface Telemetry {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Probes and scrapes every few seconds would drown the traces that matter. */
export const UNTRACED_PATHS = /^\/(healthz|readyz|metrics)(\/|\?|$)/;

/**
 * The Manage and Hudu clients (undici pools): a CLIENT span only inside a traced operation (a background
 * call starts no trace of its own), and query strings, which carry names and e-mail addresses (Manage
 * conditions, Hudu searches), reduced to ids.
 */
export const UNDICI_SETTINGS: UndiciInstrumentationConfig = {
  requireParentforSpans: true,
  startSpanHook: (request) => redactedUrlAttributes(request.origin, request.path),
};

/**
 * Starts the OpenTelemetry SDK with the instrumentations this product relies on: incoming/outgoing HTTP
 * (the services' servers, health probes excluded), Fastify's routes and hooks (`@fastify/otel`, registered
 * on every Fastify instance at creation, the way its README says for the Node SDK), undici (the Manage and
 * Hudu clients use fetch), Mongoose and the MongoDB driver (only inside a traced operation, so background
 * polling does not start traces). Kafka is NOT auto-instrumented: the messaging library injects and
 * extracts the trace context per message itself (libs/shared/messaging/src/lib/tracing.ts). Log
 * correlation is the logging library's mixin (trace_id/span_id on every line inside a span), not the Pino
 * instrumentation, which would write the same keys a second time.
 *
 * Returns undefined, and costs nothing, when no endpoint or exporter is given.
 */
export function startTelemetry(settings: TelemetrySettings): Telemetry | undefined {
  if (!settings.endpoint && !settings.exporter) return undefined;
  const exporter = settings.exporter ?? otlpExporter(settings.endpoint ?? '', settings.protocol);
  // The trace SDK, not @opentelemetry/sdk-node: the same result for traces with ~400 modules to load at
  // start-up instead of ~580 (sdk-node also loads every metrics and logs exporter).
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.service,
      [ATTR_SERVICE_VERSION]: settings.version ?? '0.0.0',
    }),
    spanProcessors: [new BatchSpanProcessor({ ...settings.batch, exporter })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const disableInstrumentations = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
      }),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        ignorePaths: (route) => UNTRACED_PATHS.test(route.url),
      }),
      new UndiciInstrumentation(UNDICI_SETTINGS),
      new MongooseInstrumentation({ requireParentSpan: true, suppressInternalInstrumentation: true }),
      new MongoDBInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
    ],
  });
  return {
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      disableInstrumentations();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

function otlpExporter(url: string, protocol: OtlpProtocol | undefined): SpanExporter {
  if (protocol !== 'http/protobuf') return new OtlpJsonExporter({ url });
  // Loaded only when asked for: protobufjs is not free to load.
  const proto =
    require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  return new proto.OTLPTraceExporter({ url });
}
