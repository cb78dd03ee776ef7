/**
 * matcher service. Proposes and records company matches; publishes CompanyMatched once a match is decided.
 * Wiring only: configuration, platform (Kafka + database), the manage-records consumer, the decisions API,
 * HTTP probes, graceful shutdown.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '@cw-hudu-sync/config';
import { IntegrationStore } from '@cw-hudu-sync/integrations';
import { createLogger } from '@cw-hudu-sync/logging';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { runService, startPlatform } from '@cw-hudu-sync/service';
import { type Matcher, type MatcherIntegrations, startMatcher } from './matcher';
import { matcherRoutes } from './routes';
import { environment } from './environment';

const SERVICE = 'matcher';
const RESTART_DELAY_MS = 2_000;

async function main() {
  const config = loadConfig(environment, process.env, SERVICE);
  const logger = createLogger({ service: SERVICE, level: config.LOG_LEVEL });
  // Fail on malformed keys now; without keys the service runs but cannot read any Hudu (said below).
  const secrets = config.CWHS_ENCRYPTION_KEYS
    ? SecretBox.fromEnvironment(config.CWHS_ENCRYPTION_KEYS)
    : undefined;
  if (!secrets)
    logger.warn('CWHS_ENCRYPTION_KEYS is not set: Hudu companies cannot be read, so nothing is matched');
  if (!config.ADMIN_TOKEN) logger.warn('ADMIN_TOKEN is not set: the decisions API answers 503');

  const platform = startPlatform({ service: SERVICE, config, logger });
  let matcher: Matcher | undefined;
  let stopping = false;

  void platform.ready
    .then(async ({ db }) => {
      // The store is only used to read integrations; an ephemeral key stands in when none is configured.
      const store = new IntegrationStore(
        db,
        secrets ?? SecretBox.fromEnvironment(`none:${randomBytes(32).toString('base64')}`),
      );
      const integrations: MatcherIntegrations = {
        get: (id) => store.get(id),
        credentials: secrets
          ? (id) => store.credentials(id)
          : async () => {
              throw new Error('CWHS_ENCRYPTION_KEYS is not set: the Hudu API key cannot be opened');
            },
      };
      // Kafka or the database may drop while the consumer starts: try again until it runs (or we stop).
      for (let tries = 1; !stopping; tries++) {
        try {
          matcher = await startMatcher({
            kafka: platform.kafka,
            publisher: platform.publisher,
            ...(platform.namespace ? { namespace: platform.namespace } : {}),
            db,
            logger,
            integrations,
            metrics: platform.metrics,
            mirrorMaxAgeMs: config.MATCHER_MIRROR_MAX_AGE_SECONDS * 1_000,
          });
          logger.info('matcher consuming manage records');
          if (stopping) await matcher.stop();
          return;
        } catch (error) {
          logger.warn({ err: error, tries }, `matcher could not start; retrying in ${RESTART_DELAY_MS} ms`);
          await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
        }
      }
    })
    .catch((error: unknown) => {
      logger.error({ err: error }, 'matcher did not start');
    });

  await runService(
    {
      name: SERVICE,
      logger,
      readiness: platform.readiness,
      metrics: platform.metrics,
      routes: matcherRoutes({ adminToken: config.ADMIN_TOKEN, api: () => matcher?.api }),
    },
    {
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      onShutdown: [
        {
          name: 'manage-records consumer',
          run: async () => {
            stopping = true;
            await matcher?.stop();
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
