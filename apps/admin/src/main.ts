/**
 * admin service: the authenticated admin API (integrations, options, preflight, sync requests, runs) with
 * its OpenAPI document at /api/openapi.json. See docs/adr/0007-admin-api.md.
 * Wiring only: configuration, platform (Kafka + database), HTTP routes, graceful shutdown.
 */
import { loadConfig } from '@cw-hudu-sync/config';
import { IntegrationStore, RunStore, ScheduleStore } from '@cw-hudu-sync/integrations';
import { createLogger } from '@cw-hudu-sync/logging';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { runService, startPlatform } from '@cw-hudu-sync/service';
import { type AdminDependencies, adminRoutes } from './app/admin-api';
import { mongoCallbackHealth } from './app/continuous-sync';
import { createPreflight } from './app/preflight';
import { environment } from './environment';

const SERVICE = 'admin';

async function main() {
  const config = loadConfig(environment, process.env, SERVICE);
  const secrets = SecretBox.fromEnvironment(config.CWHS_ENCRYPTION_KEYS);
  const logger = createLogger({ service: SERVICE, level: config.LOG_LEVEL });
  const platform = startPlatform({ service: SERVICE, config, logger });
  let dependencies: AdminDependencies | undefined;
  void platform.ready
    .then(({ db }) => {
      dependencies = {
        integrations: new IntegrationStore(db, secrets),
        runs: new RunStore(db),
        publisher: platform.publisher,
        schedule: new ScheduleStore(db),
        callbackHealth: mongoCallbackHealth(db),
      };
    })
    .catch(() => undefined); // only rejects while shutting down

  await runService(
    {
      name: SERVICE,
      logger,
      readiness: platform.readiness,
      metrics: platform.metrics,
      routes: adminRoutes({
        dependencies: () => dependencies,
        adminToken: config.ADMIN_TOKEN,
        preflight: createPreflight({ timeoutMs: config.PREFLIGHT_TIMEOUT_MS }),
      }),
    },
    {
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      onShutdown: platform.shutdown,
    },
  );
}

main().catch((error) => {
  // Configuration errors and the like: say what is wrong, plainly, and exit non-zero.
  process.stderr.write(`${SERVICE}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
