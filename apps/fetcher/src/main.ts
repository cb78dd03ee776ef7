/**
 * fetcher service. Reads Manage and publishes what changed (CompanyFetched, ConfigurationFetched, ContactFetched, …).
 * Wiring only: configuration, platform (Kafka + database), the SyncRequested consumer, HTTP probes, graceful shutdown.
 */
import { loadConfig } from '@cw-hudu-sync/config';
import { createLogger } from '@cw-hudu-sync/logging';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { runService, startPlatform } from '@cw-hudu-sync/service';
import {
  callbackRoutes,
  callbackUrlSecret,
  type CallbackService,
  startCallbacks,
} from './app/callbacks/callbacks';
import { type Fetcher, startFetcher } from './app/fetcher';
import { environment } from './environment';

const SERVICE = 'fetcher';

async function main() {
  const config = loadConfig(environment, process.env, SERVICE);
  const secrets = SecretBox.fromEnvironment(config.CWHS_ENCRYPTION_KEYS);
  const logger = createLogger({ service: SERVICE, level: config.LOG_LEVEL });
  const platform = startPlatform({ service: SERVICE, config, logger });
  let fetcher: Fetcher | undefined;
  let callbacks: CallbackService | undefined;
  platform.ready
    .then(async ({ db }) => {
      fetcher = await startFetcher({
        kafka: platform.kafka,
        db,
        publisher: platform.publisher,
        secrets,
        logger,
        metrics: platform.metrics,
        ...(platform.namespace ? { namespace: platform.namespace } : {}),
        manageClientOptions: { pageSize: config.FETCHER_PAGE_SIZE },
        overlapSeconds: config.FETCHER_OVERLAP_SECONDS,
        sessionTimeoutMs: config.FETCHER_SESSION_TIMEOUT_MS,
        leaseTtlMs: config.FETCHER_LEASE_TTL_MS,
        ...(config.FETCHER_SCHEDULER_ENABLED
          ? { scheduler: { tickMs: config.FETCHER_SCHEDULER_TICK_MS } }
          : {}),
      });
    })
    .catch((error: unknown) => {
      logger.error({ err: error }, 'sync request consumer did not start');
    });
  if (config.CALLBACK_BASE_URL) {
    // Manage callbacks: receipt route, inbox worker and registration reconcile (off without CALLBACK_BASE_URL).
    platform.ready
      .then(async ({ db }) => {
        callbacks = await startCallbacks({
          db,
          publisher: platform.publisher,
          secrets,
          logger,
          metrics: platform.metrics,
          baseUrl: config.CALLBACK_BASE_URL,
          urlSecret: callbackUrlSecret(config.CALLBACK_URL_SECRET, config.CWHS_ENCRYPTION_KEYS),
          pollMs: config.FETCHER_CALLBACK_POLL_MS,
          registrationIntervalMs: config.FETCHER_CALLBACK_REGISTRATION_SECONDS * 1000,
        });
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'Manage callbacks did not start');
      });
  }
  await runService(
    {
      name: SERVICE,
      logger,
      // The consumer's state is logged, not a readiness check: the probe contract is Kafka + database.
      readiness: platform.readiness,
      metrics: platform.metrics,
      ...(config.CALLBACK_BASE_URL ? { routes: callbackRoutes(() => callbacks?.receiver) } : {}),
    },
    {
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      onShutdown: [
        { name: 'Manage callbacks', run: async () => callbacks?.stop() },
        { name: 'sync request consumer', run: async () => fetcher?.stop() },
        ...platform.shutdown,
      ],
    },
  );
}

main().catch((error) => {
  // Configuration errors and the like: say what is wrong, plainly, and exit non-zero.
  process.stderr.write(`${SERVICE}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
