import { randomUUID } from 'node:crypto';
import { context, propagation, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { IHeaders } from 'kafkajs';
import type { Envelope } from '@cw-hudu-sync/contracts';
import {
  activeTraceHeaders,
  endSpans,
  eventAttributes,
  JOURNEY_STARTS,
  messageContext,
  recordKindOf,
  startPublishSpan,
  withProcessSpan,
} from './tracing';

/**
 * The trace shape (docs/adr/0009-one-trace-per-record.md) without a broker: journey-starting events root
 * a trace of their own linked to the run, everything else continues its trace, and a consumer span's
 * parent is what THIS message carries, never the span that happens to be active (a batch's poll span).
 */
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const tracer = provider.getTracer('test');

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterEach(() => exporter.reset());
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

function envelope(type: string, payload: Record<string, unknown>): Envelope {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    integrationId: 'acme',
    runId: 'run-7',
    occurredAt: new Date().toISOString(),
    payload,
  };
}

const configurationFetched = () =>
  envelope('ConfigurationFetched', {
    manageId: 4711,
    companyManageId: 12,
    contentHash: 'ab'.repeat(16),
    configuration: { name: 'Jane Doe laptop', contactEmail: 'jane@example.com', password: 'hunter2' },
  });

function publish(event: Envelope, headers: IHeaders = {}): Span {
  const span = startPublishSpan(event, 'manage-records', headers);
  endSpans([span]);
  return span;
}

const finished = (name: string) => exporter.getFinishedSpans().find((s) => s.name === name)!;

describe('startPublishSpan', () => {
  it('roots a new trace for a fetched record, linked to the run span that published it', () => {
    const run = tracer.startSpan('fetch run');
    const headers: IHeaders = {};
    context.with(trace.setSpan(context.active(), run), () => publish(configurationFetched(), headers));
    run.end();

    const span = finished('publish manage-records');
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.spanContext().traceId).not.toBe(run.spanContext().traceId);
    expect(span.links.map((l) => l.context.spanId)).toEqual([run.spanContext().spanId]);
    expect(String(headers['traceparent'])).toContain(span.spanContext().traceId);
  });

  it('continues the active trace for every other event (the journey goes on)', () => {
    const handling = tracer.startSpan('process manage-records');
    context.with(trace.setSpan(context.active(), handling), () =>
      publish(envelope('ConfigImported', { manageId: 4711, companyManageId: 12, outcome: 'created' })),
    );
    handling.end();

    const span = finished('publish manage-records');
    expect(span.spanContext().traceId).toBe(handling.spanContext().traceId);
    expect(span.parentSpanContext?.spanId).toBe(handling.spanContext().spanId);
    expect(span.links).toEqual([]);
  });

  it('treats exactly the fetched and removed records as journey starts', () => {
    expect([...JOURNEY_STARTS].sort()).toEqual(
      [
        'CompanyFetched',
        'CompanyRemoved',
        'ConfigurationFetched',
        'ConfigurationRemoved',
        'ContactFetched',
        'ContactRemoved',
      ].sort(),
    );
  });
});

describe('withProcessSpan', () => {
  it('parents on the producer span in the message headers, not on the active (poll) span', async () => {
    const headers: IHeaders = {};
    const producer = publish(configurationFetched(), headers);
    const poll = tracer.startSpan('poll batch');
    let inside: string | undefined;
    await context.with(trace.setSpan(context.active(), poll), () =>
      withProcessSpan(configurationFetched(), 'manage-records', headers, async () => {
        inside = trace.getActiveSpan()?.spanContext().traceId;
      }),
    );
    poll.end();

    const processSpan = finished('process manage-records');
    expect(processSpan.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(processSpan.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(inside).toBe(producer.spanContext().traceId);
  });

  it('gives every message of a batch its own parent', async () => {
    const batch = [0, 1, 2].map(() => {
      const headers: IHeaders = {};
      return { headers, producer: publish(configurationFetched(), headers) };
    });
    for (const { headers } of batch) {
      await withProcessSpan(configurationFetched(), 'manage-records', headers, async () => undefined);
    }
    const processed = exporter.getFinishedSpans().filter((s) => s.name === 'process manage-records');
    expect(processed.map((s) => s.parentSpanContext?.spanId)).toEqual(
      batch.map((m) => m.producer.spanContext().spanId),
    );
    expect(new Set(processed.map((s) => s.spanContext().traceId)).size).toBe(3);
  });

  it('starts a new trace for a message without context rather than joining the active span', async () => {
    const poll = tracer.startSpan('poll batch');
    await context.with(trace.setSpan(context.active(), poll), () =>
      withProcessSpan(configurationFetched(), 'manage-records', {}, async () => undefined),
    );
    poll.end();
    const processSpan = finished('process manage-records');
    expect(processSpan.parentSpanContext).toBeUndefined();
    expect(processSpan.spanContext().traceId).not.toBe(poll.spanContext().traceId);
  });

  it('records a failure on the span and rethrows', async () => {
    await expect(
      withProcessSpan(configurationFetched(), 'manage-records', {}, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(finished('process manage-records').status).toMatchObject({ code: 2, message: 'boom' });
  });
});

describe('a record released later by another event (parked configurations, end-of-fetch decisions)', () => {
  it('continues the record’s own trace, linked to the span of the event that released it', async () => {
    const fetchedHeaders: IHeaders = {};
    const fetched = publish(configurationFetched(), fetchedHeaders);
    await withProcessSpan(configurationFetched(), 'manage-records', fetchedHeaders, async () => undefined); // parked
    const parked = finished('process manage-records');

    const releasing = tracer.startSpan('process company-matches');
    context.with(trace.setSpan(context.active(), releasing), () =>
      publish(envelope('ConfigImported', { manageId: 4711, companyManageId: 12, outcome: 'created' })),
    );
    releasing.end();

    const imported = exporter.getFinishedSpans().filter((s) => s.name === 'publish manage-records')[1]!;
    expect(imported.spanContext().traceId).toBe(fetched.spanContext().traceId);
    expect(imported.parentSpanContext?.spanId).toBe(parked.spanContext().spanId);
    expect(imported.links.map((l) => l.context.spanId)).toEqual([releasing.spanContext().spanId]);
  });

  it('leaves events about records it has not seen in the active trace', () => {
    const handling = tracer.startSpan('process company-matches');
    context.with(trace.setSpan(context.active(), handling), () =>
      publish(envelope('ConfigImported', { manageId: 999_999, companyManageId: 12, outcome: 'created' })),
    );
    handling.end();
    expect(finished('publish manage-records').parentSpanContext?.spanId).toBe(handling.spanContext().spanId);
  });
});

describe('messageContext and activeTraceHeaders', () => {
  it('round-trip a trace context (e.g. stored with a parked record)', () => {
    const span = tracer.startSpan('park');
    const stored = context.with(trace.setSpan(context.active(), span), () => activeTraceHeaders());
    span.end();
    expect(stored['traceparent']).toContain(span.spanContext().traceId);
    expect(trace.getSpanContext(messageContext(stored))?.spanId).toBe(span.spanContext().spanId);
  });

  it('is empty outside a span', () => {
    expect(activeTraceHeaders()).toEqual({});
    expect(trace.getSpanContext(messageContext({}))).toBeUndefined();
  });
});

describe('span attributes', () => {
  it('carry ids only: integration, run, event type, record kind and Manage id — no payload content', () => {
    const attributes = eventAttributes(configurationFetched(), 'manage-records');
    expect(attributes).toMatchObject({
      'cwhs.integration_id': 'acme',
      'cwhs.run_id': 'run-7',
      'cwhs.event_type': 'ConfigurationFetched',
      'cwhs.record_kind': 'configuration',
      'cwhs.manage_id': 4711,
    });
    const text = JSON.stringify(attributes);
    for (const personal of ['Jane', 'jane@example.com', 'hunter2', 'ab'.repeat(16)]) {
      expect(text).not.toContain(personal);
    }
  });

  it('name the Manage company for company-level events', () => {
    const matched = envelope('CompanyMatched', { manageCompanyId: 12, decision: 'create' });
    expect(eventAttributes(matched, 't')).toMatchObject({
      'cwhs.record_kind': 'company',
      'cwhs.manage_id': 12,
    });
  });

  it.each([
    ['CompanyFetched', {}, 'company'],
    ['ConfigurationRemoved', {}, 'configuration'],
    ['ConfigImported', {}, 'configuration'],
    ['ContactImported', {}, 'contact'],
    ['LinkUpdated', {}, 'company'],
    ['ImportFailed', { kind: 'contact' }, 'contact'],
    ['ImportBlocked', { kind: 'configuration' }, 'configuration'],
    ['SyncRequested', {}, undefined],
    ['FetchCompleted', {}, undefined],
  ])('%s is about a %s record', (type, payload, kind) => {
    expect(recordKindOf({ type, payload })).toBe(kind);
  });
});
