import { randomBytes } from 'node:crypto';
import { isolatedMongoUrl, stackAddresses, uniqueName, waitFor } from './stack';
import { getJson, startServiceProcess, type ServiceProcess } from './service-process';
import { TcpProxy } from './tcp-proxy';

/**
 * The checks every service must pass, run against its built bundle as a real process with the real
 * stack: it becomes ready, reports the database going away and coming back on /readyz (the database is
 * reached through a proxy the test can cut), and exits cleanly on SIGTERM.
 */
export function serviceProbeSuite(name: string): void {
  describe(`${name} service process`, () => {
    let proxy: TcpProxy;
    let service: ServiceProcess | undefined;

    beforeAll(async () => {
      const mongo = new URL(isolatedMongoUrl(name));
      proxy = await new TcpProxy(mongo.hostname, Number(mongo.port)).start();
      mongo.host = `127.0.0.1:${proxy.port}`;
      service = await startServiceProcess(name, {
        KAFKA_BROKERS: stackAddresses().kafkaBrokers.join(','),
        MONGO_URL: mongo.toString(),
        KAFKA_TOPIC_NAMESPACE: uniqueName(name),
        // What every service may require besides the stack: throwaway secrets for this process only.
        CWHS_ENCRYPTION_KEYS: `test:${randomBytes(32).toString('base64')}`,
        ADMIN_TOKEN: randomBytes(16).toString('hex'),
        PUBLIC_BASE_URL: 'http://127.0.0.1:9',
      });
    });

    afterAll(async () => {
      await service?.stop('SIGKILL');
      await proxy.close();
    });

    it('is alive and becomes ready once Kafka and the database are connected', async () => {
      expect((await getJson(`${service!.url}/healthz`)).status).toBe(200);
      const ready = await waitFor(
        async () => {
          const r = await getJson(`${service!.url}/readyz`);
          return r.status === 200 ? r : undefined;
        },
        { what: `${name} to be ready`, timeoutMs: 30_000 },
      );
      expect(ready.body).toEqual({ status: 'ready', service: name, checks: { kafka: 'ok', database: 'ok' } });
    });

    it('turns unready, naming the database, when the database goes away, and ready when it returns', async () => {
      proxy.cut();
      const down = await waitFor(
        async () => {
          const r = await getJson(`${service!.url}/readyz`);
          return r.status === 503 ? r : undefined;
        },
        { what: `${name} to notice the database is gone`, timeoutMs: 20_000 },
      );
      expect((down.body['checks'] as Record<string, string>)['database']).toMatch(/^failing: /);
      expect((down.body['checks'] as Record<string, string>)['kafka']).toBe('ok');
      expect((await getJson(`${service!.url}/healthz`)).status).toBe(200);
      proxy.restore();
      await waitFor(async () => (await getJson(`${service!.url}/readyz`)).status === 200, {
        what: `${name} to be ready again`,
        timeoutMs: 30_000,
      });
    });

    it('shuts down gracefully on SIGTERM', async () => {
      const code = await service!.stop('SIGTERM');
      expect(code).toBe(0);
      expect(service!.output()).toContain('"msg":"stopped"');
      service = undefined;
    });
  });
}
