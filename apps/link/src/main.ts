/**
 * link service. Serves the Manage → Hudu jump link for imported companies, per integration
 * (`/<integration id>/api/v1/companies/jump?…`), fed by CompanyImported; publishes LinkUpdated.
 * Wiring only: configuration, platform (Kafka + database), consumer, HTTP routes, graceful shutdown.
 */
import { loadConfig, port, serviceEnvironment } from '@cw-hudu-sync/config';
import { createLogger } from '@cw-hudu-sync/logging';
import type { EventConsumer } from '@cw-hudu-sync/messaging';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { runService, startPlatform } from '@cw-hudu-sync/service';
import { z } from 'zod';
import { normalisePublicBaseUrl } from './app/jump';
import { createLinkConsumer, createLinkService, type LinkService, linkRoutes } from './app/link-service';

const SERVICE = 'link';

const environment = z.object({
  ...serviceEnvironment,
  HTTP_PORT: port(8084),
  /** Where this service is reached from a browser, e.g. https://links.example.com (the jump links start with it). */
  PUBLIC_BASE_URL: z.string({ message: 'is required but not set' }).transform((value, ctx) => {
    try {
      return normalisePublicBaseUrl(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }),
  /** Bearer token for the admin routes (the Manage Link to create). */
  ADMIN_TOKEN: z.string({ message: 'is required but not set' }).min(16, 'must be at least 16 characters'),
  /** Keys of the integrations store (the service reads each integration's Hudu address). */
  CWHS_ENCRYPTION_KEYS: z.string({ message: 'is required but not set' }),
});

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
