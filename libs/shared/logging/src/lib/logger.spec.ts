import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { createLogger, SECRET_KEYS } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      raw.push(chunk.toString());
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, raw, destination };
}

describe('createLogger', () => {
  it('writes JSON lines with service, level label and ISO time', () => {
    const { lines, destination } = capture();
    createLogger({ service: 'fetcher', destination }).info({ integrationId: 'i-1' }, 'hello');
    expect(lines[0]).toMatchObject({ service: 'fetcher', level: 'info', msg: 'hello', integrationId: 'i-1' });
    expect(typeof lines[0]?.['time']).toBe('string');
  });

  it.each(SECRET_KEYS.map((k) => [k]))('redacts %s at any depth up to three levels', (key) => {
    const { raw, destination } = capture();
    const logger = createLogger({ service: 't', destination });
    const secret = `s3cr3t-${key}-value`;
    logger.info({ [key]: secret });
    logger.info({ integration: { [key]: secret } });
    logger.info({ req: { headers: { [key]: secret } } });
    logger.info({ a: { b: { c: { [key]: secret } } } });
    expect(raw.join('')).not.toContain(secret);
    expect(raw.join('')).toContain('[redacted]');
  });

  it('keeps non-secret fields intact', () => {
    const { lines, destination } = capture();
    createLogger({ service: 't', destination }).info({ manage: { site: 'na.example.com', privateKey: 'x' } });
    expect(lines[0]?.['manage']).toEqual({ site: 'na.example.com', privateKey: '[redacted]' });
  });

  it('serialises errors with message and stack', () => {
    const { lines, destination } = capture();
    createLogger({ service: 't', destination }).error({ err: new Error('boom') }, 'failed');
    expect(lines[0]?.['err']).toMatchObject({ type: 'Error', message: 'boom' });
  });

  it('adds trace_id and span_id inside an active span, and nothing outside', () => {
    const provider = new TracerProvider();
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    const { lines, destination } = capture();
    const logger = createLogger({ service: 't', destination });
    try {
      const span = provider.getTracer('test').startSpan('work');
      context.with(trace.setSpan(context.active(), span), () => logger.info('inside'));
      span.end();
      logger.info('outside');
      expect(lines[0]).toMatchObject({
        trace_id: span.spanContext().traceId,
        span_id: span.spanContext().spanId,
      });
      expect(lines[1]?.['trace_id']).toBeUndefined();
    } finally {
      context.disable();
    }
  });
});
