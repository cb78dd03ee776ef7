import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { startTelemetry } from './telemetry';

describe('startTelemetry', () => {
  it('stays off (returns nothing) without an endpoint or exporter', () => {
    expect(startTelemetry({ service: 'fetcher' })).toBeUndefined();
  });

  it('starts the SDK, names the service, and exports spans made through the API', async () => {
    const exporter = new InMemorySpanExporter();
    const sdk = startTelemetry({ service: 'fetcher', exporter })!;
    try {
      const { trace } = await import('@opentelemetry/api');
      trace.getTracer('test').startSpan('unit of work').end();
      // The exporter forgets its spans on shutdown: flush the batch processor first, then read.
      await sdk.forceFlush();
      const spans = exporter.getFinishedSpans();
      expect(spans.map((s) => s.name)).toContain('unit of work');
      expect(spans[0]?.resource.attributes['service.name']).toBe('fetcher');
    } finally {
      await sdk.shutdown().catch(() => undefined);
    }
  });
});
