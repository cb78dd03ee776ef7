import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { createEvent, TOPICS } from '@cw-hudu-sync/contracts';
import { stackAddresses, testLogger, uniqueName, waitFor } from '@cw-hudu-sync/testing';
import { EventConsumer } from './consumer';
import { createKafka, ensureTopics } from './kafka';
import { EventPublisher } from './publisher';
import { productTopics, topicName } from './topology';

/**
 * Trace context crosses the real broker: the consumer's span is a child of the producer's span, in the
 * same trace, and work inside the handler (here a span of its own) joins that trace too.
 */
describe('trace context through Kafka headers', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const contextManager = new AsyncLocalStorageContextManager().enable();

  beforeAll(() => {
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(contextManager);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('parents the consumer span on the producer span, and handler work joins the trace', async () => {
    const logger = testLogger();
    const kafka = createKafka({ brokers: stackAddresses().kafkaBrokers, clientId: 'tracing-test', logger });
    const namespace = uniqueName('trace');
    await ensureTopics(kafka, productTopics(1, namespace));
    const publisher = new EventPublisher(kafka, logger, { namespace });
    await publisher.connect();
    let handled = false;
    const consumer = new EventConsumer({
      kafka,
      groupId: uniqueName('g'),
      namespace,
      topics: [TOPICS.syncCommands],
      publisher,
      logger,
      handler: async () => {
        trace.getTracer('test').startSpan('handler work').end();
        handled = true;
      },
    });
    await consumer.start();
    try {
      const event = createEvent(
        'SyncRequested',
        { integrationId: 'acme', runId: 'r9' },
        { mode: 'full', requestedBy: 't' },
      );
      await trace.getTracer('test').startActiveSpan('admin request', async (root) => {
        await publisher.publish(event);
        root.end();
      });
      await waitFor(() => handled, { what: 'the handler' });
      await provider.forceFlush();
      await waitFor(() => exporter.getFinishedSpans().some((s) => s.name.startsWith('process ')), {
        what: 'spans',
      });

      const spans = exporter.getFinishedSpans();
      const byName = (name: string) => spans.find((s) => s.name === name)!;
      const root = byName('admin request');
      const publish = byName(`publish ${topicName(TOPICS.syncCommands, namespace)}`);
      const processSpan = byName(`process ${topicName(TOPICS.syncCommands, namespace)}`);
      const work = byName('handler work');

      const traceId = root.spanContext().traceId;
      expect([publish, processSpan, work].map((s) => s.spanContext().traceId)).toEqual([
        traceId,
        traceId,
        traceId,
      ]);
      expect(publish.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      expect(processSpan.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
      expect(work.parentSpanContext?.spanId).toBe(processSpan.spanContext().spanId);
      expect(processSpan.attributes).toMatchObject({
        'cwhs.integration_id': 'acme',
        'cwhs.run_id': 'r9',
        'cwhs.event_type': 'SyncRequested',
        'messaging.system': 'kafka',
      });
    } finally {
      await consumer.stop();
      await publisher.disconnect();
    }
  });

  it('a record journey across two hops is one trace rooted at the fetched record, linked to the run', async () => {
    const logger = testLogger();
    const kafka = createKafka({ brokers: stackAddresses().kafkaBrokers, clientId: 'tracing-test', logger });
    const namespace = uniqueName('journey');
    await ensureTopics(kafka, productTopics(1, namespace));
    const publisher = new EventPublisher(kafka, logger, { namespace });
    await publisher.connect();
    let linked = false;
    // "importer": handles the record and publishes its outcome; "link": handles the outcome.
    const importer = new EventConsumer({
      kafka,
      groupId: uniqueName('importer'),
      namespace,
      topics: [TOPICS.manageRecords],
      publisher,
      logger,
      handler: async (event) => {
        await publisher.publish(
          createEvent(
            'CompanyImported',
            { integrationId: event.integrationId, ...(event.runId ? { runId: event.runId } : {}) },
            {
              manageCompanyId: 42,
              huduCompanyId: 7,
              huduCompanyName: 'Acme',
              huduUrl: 'https://hudu.example.com/c/acme',
              outcome: 'archived',
            },
          ),
        );
      },
    });
    const link = new EventConsumer({
      kafka,
      groupId: uniqueName('link'),
      namespace,
      topics: [TOPICS.huduImports],
      publisher,
      logger,
      handler: async () => {
        linked = true;
      },
    });
    await Promise.all([importer.start(), link.start()]);
    try {
      const run = trace.getTracer('test').startSpan('fetch run');
      await context.with(trace.setSpan(context.active(), run), () =>
        publisher.publish(
          createEvent(
            'CompanyRemoved',
            { integrationId: 'acme', runId: 'r10' },
            { manageId: 42, reason: 'deleted' },
          ),
        ),
      );
      run.end();
      await waitFor(() => linked, { what: 'the link handler' });
      const records = topicName(TOPICS.manageRecords, namespace);
      const imports = topicName(TOPICS.huduImports, namespace);
      await waitFor(
        async () => {
          await provider.forceFlush();
          return exporter.getFinishedSpans().some((s) => s.name === `process ${imports}`);
        },
        { what: 'spans' },
      );
      const spans = exporter.getFinishedSpans();
      const one = (name: string) => spans.find((s) => s.name === name)!;
      const fetched = one(`publish ${records}`);
      const handled = one(`process ${records}`);
      const imported = one(`publish ${imports}`);
      const linkedSpan = one(`process ${imports}`);

      expect(fetched.parentSpanContext).toBeUndefined();
      expect(fetched.links.map((l) => l.context.spanId)).toEqual([run.spanContext().spanId]);
      const traceId = fetched.spanContext().traceId;
      expect(traceId).not.toBe(run.spanContext().traceId);
      expect([handled, imported, linkedSpan].map((s) => s.spanContext().traceId)).toEqual([
        traceId,
        traceId,
        traceId,
      ]);
      expect(handled.parentSpanContext?.spanId).toBe(fetched.spanContext().spanId);
      expect(imported.parentSpanContext?.spanId).toBe(handled.spanContext().spanId);
      expect(linkedSpan.parentSpanContext?.spanId).toBe(imported.spanContext().spanId);
      expect(linkedSpan.attributes).toMatchObject({
        'cwhs.integration_id': 'acme',
        'cwhs.run_id': 'r10',
        'cwhs.record_kind': 'company',
        'cwhs.manage_id': 42,
      });
    } finally {
      await Promise.all([importer.stop(), link.stop()]);
      await publisher.disconnect();
    }
  });
});
