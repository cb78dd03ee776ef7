import { createLogger } from '@cw-hudu-sync/logging';
import { Counter, Registry } from 'prom-client';
import { buildServiceApp } from './service-app';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('service app probes', () => {
  it('is ready when every dependency answers', async () => {
    const app = buildServiceApp({
      name: 'svc',
      logger,
      readiness: [
        { name: 'kafka', check: async () => undefined },
        { name: 'database', check: async () => undefined },
      ],
    });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', service: 'svc', checks: { kafka: 'ok', database: 'ok' } });
  });

  it('is unready, naming the failing dependency and why', async () => {
    const app = buildServiceApp({
      name: 'svc',
      logger,
      readiness: [
        { name: 'kafka', check: async () => undefined },
        { name: 'database', check: () => Promise.reject(new Error('connection refused')) },
      ],
    });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks).toEqual({ kafka: 'ok', database: 'failing: connection refused' });
  });

  it('turns a hanging check into a failure instead of hanging', async () => {
    const app = buildServiceApp({
      name: 'svc',
      logger,
      checkTimeoutMs: 50,
      readiness: [{ name: 'kafka', check: () => new Promise(() => undefined) }],
    });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.kafka).toBe('failing: no answer within 50 ms');
  });

  it('reports unready while shutting down, without running checks', async () => {
    const check = jest.fn(async () => undefined);
    const app = buildServiceApp(
      { name: 'svc', logger, readiness: [{ name: 'kafka', check }] },
      { shuttingDown: true },
    );
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().status).toBe('shutting down');
    expect(check).not.toHaveBeenCalled();
  });

  it('keeps liveness separate from dependencies', async () => {
    const app = buildServiceApp({
      name: 'svc',
      logger,
      readiness: [{ name: 'kafka', check: () => Promise.reject(new Error('down')) }],
      liveness: [{ name: 'consumer', check: async () => undefined }],
    });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
  });

  it('serves the registry on /metrics in the Prometheus text format', async () => {
    const registry = new Registry();
    new Counter({ name: 'cwhs_test_total', help: 'a test counter', registers: [registry] }).inc(3);
    const app = buildServiceApp({ name: 'svc', logger, readiness: [], metrics: registry });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('cwhs_test_total 3');
  });
});
