/**
 * importer service. The only writer to Hudu: turns decided matches, configurations and contacts into Hudu records.
 * Wiring only: configuration, platform (Kafka + database), HTTP probes, the consumer, graceful shutdown.
 */
import { loadConfig } from '@cw-hudu-sync/config';
import { IntegrationStore } from '@cw-hudu-sync/integrations';
import { createLogger } from '@cw-hudu-sync/logging';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { runService, startPlatform } from '@cw-hudu-sync/service';
import { type Importer, startImporter } from './app/importer';
import { environment } from './environment';

const SERVICE = 'importer';

async function main() {
  const config = loadConfig(environment, process.env, SERVICE);
  const logger = createLogger({ service: SERVICE, level: config.LOG_LEVEL });
  const platform = startPlatform({ service: SERVICE, config, logger });
  let importer: Importer | undefined;
  let stopping = false;

  if (!config.CWHS_ENCRYPTION_KEYS) {
    logger.error(
      'CWHS_ENCRYPTION_KEYS is not set: the importer cannot open Hudu API keys and imports nothing',
    );
  } else {
    const secrets = SecretBox.fromEnvironment(config.CWHS_ENCRYPTION_KEYS);
    platform.ready
      .then(async ({ db }) => {
        if (stopping) return;
        importer = await startImporter({
          kafka: platform.kafka,
          ...(platform.namespace ? { namespace: platform.namespace } : {}),
          publisher: platform.publisher,
          db,
          integrations: new IntegrationStore(db, secrets),
          logger,
          metrics: platform.metrics,
        });
        logger.info('importer consuming');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'importer consumer did not start'));
  }

  await runService(
    { name: SERVICE, logger, readiness: platform.readiness, metrics: platform.metrics },
    {
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      onShutdown: [
        {
          name: 'importer consumer',
          run: async () => {
            stopping = true;
            await importer?.stop();
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
