import {
  context,
  type Context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';
import type { Envelope } from '@cw-hudu-sync/contracts';

/**
 * Trace context across Kafka, owned here rather than by auto-instrumentation: the producer injects W3C
 * `traceparent` into each message's headers, and the consumer extracts it per message, so one record's
 * journey through fetcher → matcher → importer → link is one trace. With no OpenTelemetry SDK registered
 * all of this is the API's no-op and costs next to nothing.
 */
const tracer = trace.getTracer('cw-hudu-sync/messaging');

const headerGetter: TextMapGetter<IHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (value === undefined) return undefined;
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

function eventAttributes(event: Envelope, topic: string) {
  const attributes: Record<string, string | number> = {
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.message.id': event.eventId,
    'cwhs.event_type': event.type,
    'cwhs.integration_id': event.integrationId,
  };
  if (event.runId) attributes['cwhs.run_id'] = event.runId;
  const manageId = event.payload['manageId'];
  if (typeof manageId === 'number') attributes['cwhs.manage_id'] = manageId;
  return attributes;
}

/** Starts a PRODUCER span for one event and writes its context into `headers`. */
export function startPublishSpan(event: Envelope, topic: string, headers: IHeaders): Span {
  const span = tracer.startSpan(`publish ${topic}`, {
    kind: SpanKind.PRODUCER,
    attributes: { ...eventAttributes(event, topic), 'messaging.operation.type': 'send' },
  });
  propagation.inject(trace.setSpan(context.active(), span), headers, {
    set: (carrier, key, value) => {
      carrier[key] = value;
    },
  });
  return span;
}

/** Runs `work` inside a CONSUMER span whose parent is the producer span found in the message headers. */
export async function withProcessSpan<T>(
  event: Envelope,
  topic: string,
  headers: IHeaders,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent: Context = propagation.extract(context.active(), headers, headerGetter);
  const span = tracer.startSpan(
    `process ${topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { ...eventAttributes(event, topic), 'messaging.operation.type': 'process' },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
    throw error;
  } finally {
    span.end();
  }
}

export function endSpans(spans: Span[], error?: unknown): void {
  for (const span of spans) {
    if (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
    }
    span.end();
  }
}
