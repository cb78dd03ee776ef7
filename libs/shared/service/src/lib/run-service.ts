import closeWithGrace from 'close-with-grace';
import type { Logger } from '@cw-hudu-sync/logging';
import { buildServiceApp, type ServiceDefinition, type ServiceState } from './service-app';

export interface RunSettings {
  host: string;
  port: number;
  /** Longest a graceful shutdown may take before the process exits anyway. */
  shutdownTimeoutMs: number;
  /**
   * Steps run on SIGTERM/SIGINT, in order, after readiness turns off: typically stop consumers (letting
   * in-flight messages finish), then close producers, then the database.
   */
  onShutdown: Array<{ name: string; run: () => Promise<void> }>;
}

/** Starts the HTTP server and installs graceful shutdown. Resolves once listening. */
export async function runService(definition: ServiceDefinition, settings: RunSettings) {
  const state: ServiceState = { shuttingDown: false };
  const app = buildServiceApp(definition, state);
  const logger: Logger = definition.logger;

  closeWithGrace({ delay: settings.shutdownTimeoutMs }, async ({ signal, err }) => {
    state.shuttingDown = true;
    if (err) logger.error({ err }, 'fatal error; shutting down');
    else logger.info({ signal }, 'shutting down');
    for (const step of settings.onShutdown) {
      try {
        await step.run();
        logger.info({ step: step.name }, 'shutdown step done');
      } catch (error) {
        logger.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    await app.close();
    logger.info('stopped');
  });

  const address = await app.listen({ host: settings.host, port: settings.port });
  logger.info({ address }, `${definition.name} listening`);
  return { app, state, address };
}
