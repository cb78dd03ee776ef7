import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Pool } from 'undici';
import { API_PREFIX, buildHuduSimulator, type HuduSimulator } from '@cw-hudu-sync/hudu-simulator';
import { UNDICI_SETTINGS } from './telemetry';

/**
 * The Manage and Hudu clients talk through an undici Pool (`pool.request`); the undici instrumentation
 * (with the settings telemetry.ts uses) makes a CLIENT span, child of the active span (the consumer's span for
 * the record), and puts its context in `traceparent` — which reaches the (Hudu) simulator. The query is
 * redacted on the span.
 */
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
let disable: () => void;
let simulator: HuduSimulator;
let origin: string;
const received: Array<{ url: string; traceparent?: string }> = [];

beforeAll(async () => {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  disable = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [new UndiciInstrumentation(UNDICI_SETTINGS)],
  });
  simulator = buildHuduSimulator({ apiKeys: ['test-key'] });
  simulator.app.addHook('onRequest', async (request) => {
    const traceparent = request.headers['traceparent'];
    received.push({ url: request.url, ...(typeof traceparent === 'string' ? { traceparent } : {}) });
  });
  origin = await simulator.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  disable();
  await simulator.close();
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

it('puts the active span context into traceparent on a Pool request, under a CLIENT span', async () => {
  const pool = new Pool(origin);
  try {
    const parent = provider.getTracer('test').startSpan('process hudu-imports');
    const status = await context.with(trace.setSpan(context.active(), parent), async () => {
      const response = await pool.request({
        method: 'GET',
        path: `${API_PREFIX}/companies?name=${encodeURIComponent('Jane Doe LLC')}&page=1`,
        headers: { 'x-api-key': 'test-key' },
      });
      await response.body.dump();
      return response.statusCode;
    });
    parent.end();
    expect(status).toBe(200);

    const client = exporter
      .getFinishedSpans()
      .find((s) => s.attributes['url.path'] === `${API_PREFIX}/companies`)!;
    expect(client.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(client.spanContext().traceId).toBe(parent.spanContext().traceId);

    const seen = received.find((r) => r.url.startsWith(`${API_PREFIX}/companies`));
    expect(seen?.traceparent).toBe(
      `00-${client.spanContext().traceId}-${client.spanContext().spanId}-0${client.spanContext().traceFlags}`,
    );
    expect(client.attributes['url.full']).toBe(`${origin}${API_PREFIX}/companies?name=*&page=1`);
    expect(JSON.stringify(client.attributes)).not.toContain('Jane');
    expect(JSON.stringify(client.attributes)).not.toContain('test-key');
  } finally {
    await pool.close();
  }
});

it('makes no span and sends no traceparent outside a traced operation', async () => {
  const pool = new Pool(origin);
  try {
    const response = await pool.request({
      method: 'GET',
      path: `${API_PREFIX}/api_info`,
      headers: { 'x-api-key': 'test-key' },
    });
    await response.body.dump();
    expect(
      exporter.getFinishedSpans().some((s) => s.attributes['url.path'] === `${API_PREFIX}/api_info`),
    ).toBe(false);
    expect(received.find((r) => r.url.startsWith(`${API_PREFIX}/api_info`))?.traceparent).toBeUndefined();
  } finally {
    await pool.close();
  }
});
