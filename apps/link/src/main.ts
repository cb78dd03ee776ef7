/**
 * link service. Serves the Manage → Hudu jump link for matched companies.
 * Wiring only: configuration, platform (Kafka + database), HTTP probes, graceful shutdown.
 */
import { loadConfig, port, serviceEnvironment } from '@cw-hudu-sync/config';
import { createLogger } from '@cw-hudu-sync/logging';
import { runService, startPlatform } from '@cw-hudu-sync/service';
import { z } from 'zod';

const SERVICE = 'link';

const environment = z.object({ ...serviceEnvironment, HTTP_PORT: port(8084) });

async function main() {
  const config = loadConfig(environment, process.env, SERVICE);
  const logger = createLogger({ service: SERVICE, level: config.LOG_LEVEL });
  const platform = startPlatform({ service: SERVICE, config, logger });
  await runService(
    { name: SERVICE, logger, readiness: platform.readiness, metrics: platform.metrics },
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
