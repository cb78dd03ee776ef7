/**
 * fetcher service. Reads Manage and publishes what changed (CompanyFetched, ConfigurationFetched, ContactFetched, …).
 * Wiring only: configuration, platform (Kafka + database), the SyncRequested consumer, HTTP probes, graceful shutdown.
 */
import { loadConfig, port, positiveInt, serviceEnvironment } from '@cw-hudu-sync/config';
import { createLogger } from '@cw-hudu-sync/logging';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { runService, startPlatform } from '@cw-hudu-sync/service';
import { z } from 'zod';
import { type Fetcher, startFetcher } from './app/fetcher';

const SERVICE = 'fetcher';

const environment = z.object({
  ...serviceEnvironment,
  HTTP_PORT: port(8081),
  /** Keys that open the integrations' sealed Manage/Hudu secrets: `<id>:<base64 32 bytes>[,…]`. */
  CWHS_ENCRYPTION_KEYS: z.string().min(1, 'is required (e.g. k1:$(openssl rand -base64 32))'),
  /** Records per Manage page (1–1000). */
  FETCHER_PAGE_SIZE: positiveInt(1000).refine((n) => n <= 1000, 'must be at most 1000'),
  /** Seconds re-read before an incremental watermark. */
  FETCHER_OVERLAP_SECONDS: positiveInt(60),
  /** How long the consumer group waits for a silent fetcher (a sync heartbeats once per page). */
  FETCHER_SESSION_TIMEOUT_MS: positiveInt(60_000),
});

async function main() {
  const config = loadConfig(environment, process.env, SERVICE);
  const secrets = SecretBox.fromEnvironment(config.CWHS_ENCRYPTION_KEYS);
  const logger = createLogger({ service: SERVICE, level: config.LOG_LEVEL });
  const platform = startPlatform({ service: SERVICE, config, logger });
  let fetcher: Fetcher | undefined;
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
      });
    })
    .catch((error: unknown) => {
      logger.error({ err: error }, 'sync request consumer did not start');
    });
  await runService(
    {
      name: SERVICE,
      logger,
      // The consumer's state is logged, not a readiness check: the probe contract is Kafka + database.
      readiness: platform.readiness,
      metrics: platform.metrics,
    },
    {
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      onShutdown: [{ name: 'sync request consumer', run: async () => fetcher?.stop() }, ...platform.shutdown],
    },
  );
}

main().catch((error) => {
  // Configuration errors and the like: say what is wrong, plainly, and exit non-zero.
  process.stderr.write(`${SERVICE}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
