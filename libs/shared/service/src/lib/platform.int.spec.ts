import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, isolatedMongoUrl, testLogger, waitFor, workspaceRoot } from '@cw-hudu-sync/testing';
import { startPlatform } from './platform';
import { buildServiceApp } from './service-app';

const run = promisify(execFile);
const stack = path.join(workspaceRoot, 'tools', 'stack', 'stack');

/**
 * Kafka going away and coming back, seen through /readyz. The shared broker cannot be stopped (other
 * suites use it), so this test starts a private broker of its own: same tooling, own run directory and ports.
 */
describe('readiness follows a real broker going away and coming back', () => {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cwhs-private-kafka-'));
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = {
      ...process.env,
      KAFKA_BROKERS: '',
      MONGO_URL: '',
      CWHS_RUN_DIR: runDir,
      CWHS_KAFKA_PORT: String(await freePort()),
      CWHS_KAFKA_CONTROLLER_PORT: String(await freePort()),
    };
    await run(stack, ['start', 'kafka'], { env });
  }, 120_000);

  afterAll(async () => {
    await run(stack, ['stop', '--wipe', 'kafka'], { env }).catch(() => undefined);
    fs.rmSync(runDir, { recursive: true, force: true });
  });

  it('is ready with the broker up, unready (naming kafka) with it stopped, and ready again after restart', async () => {
    const logger = testLogger('platform-test');
    const platform = startPlatform({
      service: 'probe-test',
      logger,
      retryDelayMs: 200,
      topicPartitions: 1,
      config: {
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: 0,
        LOG_LEVEL: 'silent',
        KAFKA_BROKERS: [`127.0.0.1:${env['CWHS_KAFKA_PORT']}`],
        MONGO_URL: isolatedMongoUrl('platform'),
        SHUTDOWN_TIMEOUT_MS: 5_000,
      },
    });
    const app = buildServiceApp({ name: 'probe-test', logger, readiness: platform.readiness });
    const readyz = async () => {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      return { status: res.statusCode, checks: res.json().checks as Record<string, string> };
    };
    try {
      await platform.ready;
      await waitFor(async () => (await readyz()).status === 200, { what: 'ready with the broker up' });

      await run(stack, ['stop', 'kafka'], { env });
      const down = await waitFor(
        async () => {
          const r = await readyz();
          return r.status === 503 ? r : undefined;
        },
        { what: 'unready after the broker stopped', timeoutMs: 30_000 },
      );
      expect(down.checks['kafka']).toMatch(/^failing: /);
      expect(down.checks['database']).toBe('ok');

      await run(stack, ['start', 'kafka'], { env });
      await waitFor(async () => (await readyz()).status === 200, {
        what: 'ready again after the broker restarted',
        timeoutMs: 60_000,
      });
    } finally {
      for (const step of platform.shutdown) await step.run().catch(() => undefined);
      await app.close();
    }
  }, 180_000);
});
