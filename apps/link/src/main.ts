/**
 * link service. Serves the Manage → Hudu jump link for imported companies, per integration
 * (`/<integration id>/api/v1/companies/jump?…`), fed by CompanyImported; publishes LinkUpdated.
 * Wiring only: configuration, platform (Kafka + database), consumer, HTTP routes, graceful shutdown.
 */
import { loadConfig } from '@cw-hudu-sync/config';
import { createLogger } from '@cw-hudu-sync/logging';
import type { EventConsumer } from '@cw-hudu-sync/messaging';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { runService, startPlatform } from '@cw-hudu-sync/service';
import { createLinkConsumer, createLinkService, type LinkService, linkRoutes } from './app/link-service';
import { environment } from './environment';

const SERVICE = 'link';

async function main() {
  const config = loadConfig(environment, process.env, SERVICE);
  const secrets = SecretBox.fromEnvironment(config.CWHS_ENCRYPTION_KEYS);
  const logger = createLogger({ service: SERVICE, level: config.LOG_LEVEL });
  const platform = startPlatform({ service: SERVICE, config, logger });
  let service: LinkService | undefined;
  let consumer: EventConsumer | undefined;
  let stopping = false;

  void platform.ready
    .then(async ({ db }) => {
      const built = await createLinkService({
        db,
        secrets,
        publisher: platform.publisher,
        publicBaseUrl: config.PUBLIC_BASE_URL,
      });
      consumer = createLinkConsumer({
        kafka: platform.kafka,
        namespace: platform.namespace,
        publisher: platform.publisher,
        logger,
        metrics: platform.metrics,
        service: built,
      });
      service = built;
      await consumer.start();
      logger.info('consuming company imports');
    })
    .catch((error: unknown) => {
      if (stopping) return; // the platform stops connecting when the service shuts down
      logger.fatal({ err: error }, 'the link consumer could not start');
      process.exit(1);
    });

  await runService(
    {
      name: SERVICE,
      logger,
      readiness: platform.readiness,
      metrics: platform.metrics,
      routes: linkRoutes({
        service: () => service,
        publicBaseUrl: config.PUBLIC_BASE_URL,
        adminToken: config.ADMIN_TOKEN,
      }),
    },
    {
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      onShutdown: [
        {
          name: 'link consumer',
          run: async () => {
            stopping = true;
            await consumer?.stop();
          },
        },
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
