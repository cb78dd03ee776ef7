import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from '@cw-hudu-sync/logging';
import type { Registry } from 'prom-client';

/** A dependency the service needs to do its work (Kafka, the database, …). */
export interface DependencyCheck {
  name: string;
  /** Resolves when the dependency is usable right now; rejects with the reason otherwise. */
  check: () => Promise<void>;
}

export interface ServiceDefinition {
  name: string;
  logger: Logger;
  /** Checked by /readyz: traffic and work only while all pass. */
  readiness: DependencyCheck[];
  /** Checked by /healthz: failing means the process is wedged and should be restarted. Keep them local. */
  liveness?: DependencyCheck[];
  /** The service's own routes, registered as an encapsulated Fastify plugin. */
  routes?: (app: FastifyInstance) => Promise<void>;
  /** Per-check time limit, so a hanging dependency makes the probe fail instead of hang. */
  checkTimeoutMs?: number;
  /** Served on /metrics in the Prometheus text format. */
  metrics?: Registry;
  /** Largest request body in bytes. */
  bodyLimit?: number;
}

export interface ServiceState {
  shuttingDown: boolean;
}

async function runChecks(checks: DependencyCheck[], timeoutMs: number) {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, 'ok'] as const;
      } catch (error) {
        return [name, `failing: ${(error as Error)?.message ?? String(error)}`] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ok: results.every(([, status]) => status === 'ok'), checks: Object.fromEntries(results) };
}

/**
 * Builds the service's HTTP app: /healthz (liveness), /readyz (dependencies), and its own routes.
 * It does not listen; runService() does, and tests use app.inject().
 */
export function buildServiceApp(
  definition: ServiceDefinition,
  state: ServiceState = { shuttingDown: false },
) {
  const app = Fastify({
    loggerInstance: definition.logger,
    // Probes are polled every few seconds; per-request lines would drown the useful ones.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: definition.bodyLimit ?? 1_048_576,
    return503OnClosing: true,
  });
  const timeoutMs = definition.checkTimeoutMs ?? 2_500;

  app.get('/healthz', async (_request, reply) => {
    const result = await runChecks(definition.liveness ?? [], timeoutMs);
    return reply
      .code(result.ok ? 200 : 503)
      .send({ status: result.ok ? 'ok' : 'failing', service: definition.name, checks: result.checks });
  });

  app.get('/readyz', async (_request, reply) => {
    if (state.shuttingDown) {
      return reply.code(503).send({ status: 'shutting down', service: definition.name, checks: {} });
    }
    const result = await runChecks(definition.readiness, timeoutMs);
    return reply
      .code(result.ok ? 200 : 503)
      .send({ status: result.ok ? 'ready' : 'unready', service: definition.name, checks: result.checks });
  });

  const registry = definition.metrics;
  if (registry) {
    app.get('/metrics', async (_request, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    );
  }

  if (definition.routes) app.register(definition.routes);
  return app;
}
