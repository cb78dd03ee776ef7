import {
  context,
  type Context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';
import type { Envelope } from '@cw-hudu-sync/contracts';

/**
 * Trace context across Kafka, owned here rather than by auto-instrumentation: the producer injects W3C
 * `traceparent` into each message's headers, and the consumer extracts it PER MESSAGE, so one record's
 * journey through fetcher → matcher → importer → link is one trace (docs/adr/0009-one-trace-per-record.md).
 * With no OpenTelemetry SDK registered all of this is the API's no-op and costs next to nothing.
 *
 * Trace shape: an event that STARTS a record's journey (a record fetched from or removed in Manage) gets a
 * new trace of its own, linked to the span that was active when it was published (the fetcher's run);
 * every other event continues the trace of the work that published it.
 */
const tracer = trace.getTracer('cw-hudu-sync/messaging');

/** Events that start a record's journey: each one is the root of a trace, linked to the run's span. */
export const JOURNEY_STARTS: ReadonlySet<string> = new Set([
  'CompanyFetched',
  'ConfigurationFetched',
  'ContactFetched',
  'CompanyRemoved',
  'ConfigurationRemoved',
  'ContactRemoved',
]);

const headerGetter: TextMapGetter<IHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (value === undefined) return undefined;
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

const KIND_BY_PREFIX: readonly [string, string][] = [
  ['Company', 'company'],
  ['Configuration', 'configuration'],
  ['Config', 'configuration'],
  ['Contact', 'contact'],
  ['Link', 'company'],
];

/** The record kind an event is about, from its type (or its payload's `kind` for import outcomes). */
export function recordKindOf(event: Pick<Envelope, 'type' | 'payload'>): string | undefined {
  const declared = event.payload['kind'];
  if (declared === 'company' || declared === 'configuration' || declared === 'contact') return declared;
  return KIND_BY_PREFIX.find(([prefix]) => event.type.startsWith(prefix))?.[1];
}

/**
 * The span attributes of one event: ids only (integration, run, event, type, record kind, Manage id).
 * Never payload content: names, e-mail addresses and credentials stay out of traces.
 */
export function eventAttributes(event: Envelope, topic: string): Record<string, string | number> {
  const attributes: Record<string, string | number> = {
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.message.id': event.eventId,
    'cwhs.event_type': event.type,
    'cwhs.integration_id': event.integrationId,
  };
  if (event.runId) attributes['cwhs.run_id'] = event.runId;
  const kind = recordKindOf(event);
  if (kind) attributes['cwhs.record_kind'] = kind;
  const manageId = event.payload['manageId'] ?? event.payload['manageCompanyId'];
  if (typeof manageId === 'number') attributes['cwhs.manage_id'] = manageId;
  return attributes;
}

/**
 * Where each record's journey was last seen in this process: the span context of the CONSUMER span that
 * handled the record's journey-starting event, by integration, kind and Manage id. A record whose outcome
 * is published later while handling ANOTHER event (the importer releasing parked configurations when their
 * company's match arrives; the matcher deciding companies at the end of the fetch) continues its own
 * trace through it. Bounded (oldest forgotten first); lost on restart, when the outcome simply stays in
 * the trace of the event that released it (the producer span links to that one either way).
 */
const RECORD_CONTEXTS_LIMIT = 100_000;
const recordContexts = new Map<string, SpanContext>();

function recordKey(event: Pick<Envelope, 'type' | 'payload' | 'integrationId'>): string | undefined {
  const kind = recordKindOf(event);
  const manageId = event.payload['manageId'] ?? event.payload['manageCompanyId'];
  if (!kind || typeof manageId !== 'number') return undefined;
  return `${event.integrationId}/${kind}/${manageId}`;
}

function rememberRecordContext(event: Envelope, span: Span): void {
  if (!JOURNEY_STARTS.has(event.type)) return;
  const key = recordKey(event);
  const spanContext = span.spanContext();
  if (!key || !trace.isSpanContextValid(spanContext)) return;
  recordContexts.delete(key);
  recordContexts.set(key, spanContext);
  if (recordContexts.size > RECORD_CONTEXTS_LIMIT) {
    const oldest = recordContexts.keys().next().value;
    if (oldest !== undefined) recordContexts.delete(oldest);
  }
}

/** The parent of a publish: a new root for journey starts, the record's own trace, or the active span. */
function publishParent(event: Envelope): { parent: Context; links: Link[]; root: boolean } {
  const active = trace.getActiveSpan()?.spanContext();
  const activeLinks: Link[] = active && trace.isSpanContextValid(active) ? [{ context: active }] : [];
  if (JOURNEY_STARTS.has(event.type)) return { parent: ROOT_CONTEXT, links: activeLinks, root: true };
  const key = recordKey(event);
  const record = key ? recordContexts.get(key) : undefined;
  if (record && record.traceId !== active?.traceId) {
    return { parent: trace.setSpanContext(ROOT_CONTEXT, record), links: activeLinks, root: false };
  }
  return { parent: context.active(), links: [], root: false };
}

/**
 * Starts a PRODUCER span for one event and writes its context into `headers`. Journey-starting events get
 * a new trace linked to the active span; an event about a record whose journey this process has seen
 * continues that record's trace (linked to the active span); the others are children of the active span.
 */
export function startPublishSpan(event: Envelope, topic: string, headers: IHeaders): Span {
  const attributes = { ...eventAttributes(event, topic), 'messaging.operation.type': 'send' };
  const { parent, links, root } = publishParent(event);
  const span = tracer.startSpan(
    `publish ${topic}`,
    { kind: SpanKind.PRODUCER, attributes, links, ...(root ? { root: true } : {}) },
    parent,
  );
  propagation.inject(trace.setSpan(context.active(), span), headers, {
    set: (carrier, key, value) => {
      carrier[key] = value;
    },
  });
  return span;
}

/**
 * The trace context a message carries, extracted from its headers alone (never from whatever span is
 * active while a batch is polled). For batch consumers and parked records: run one message's work, and
 * the publishing of what it leads to, inside `context.with(messageContext(headers), …)`.
 */
export function messageContext(headers: IHeaders): Context {
  return propagation.extract(ROOT_CONTEXT, headers, headerGetter);
}

/**
 * The active trace context as message headers (`traceparent`, `tracestate`), e.g. to store with a parked
 * record so that its later import continues the record's own trace (restore with `messageContext`).
 */
export function activeTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * Runs `work` inside a CONSUMER span whose parent is the producer span found in THIS message's headers
 * (extracted per message; a message without context starts a new trace rather than joining whatever
 * span happens to be active, e.g. a batch's poll span). Call it once per message, also in batch consumers.
 */
export async function withProcessSpan<T>(
  event: Envelope,
  topic: string,
  headers: IHeaders,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent: Context = messageContext(headers);
  const span = tracer.startSpan(
    `process ${topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { ...eventAttributes(event, topic), 'messaging.operation.type': 'process' },
    },
    parent,
  );
  rememberRecordContext(event, span);
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
