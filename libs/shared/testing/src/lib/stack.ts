import { randomBytes } from 'node:crypto';
import { createLogger, type Logger } from '@cw-hudu-sync/logging';

/**
 * Addresses of the real Kafka broker and MongoDB-protocol server the integration tests use.
 * tools/jest/stack-setup.js starts the project's local stack and sets these before any test runs;
 * addresses given in the environment always win.
 */
export function stackAddresses(): { kafkaBrokers: string[]; mongoUrl: string } {
  const brokers = process.env['KAFKA_BROKERS'];
  const mongoUrl = process.env['MONGO_URL'];
  if (!brokers || !mongoUrl) {
    throw new Error(
      'KAFKA_BROKERS and MONGO_URL are not set. Run the tests through Jest with the stack set-up ' +
        '(tools/jest/stack-setup.js), or start the stack yourself: eval "$(tools/stack/stack start >&2; tools/stack/stack env)"',
    );
  }
  return { kafkaBrokers: brokers.split(','), mongoUrl };
}

/** A MongoDB URL for a database of its own, so tests never see each other's documents. */
export function isolatedMongoUrl(prefix = 't'): string {
  const url = new URL(stackAddresses().mongoUrl);
  url.pathname = `/${uniqueName(prefix).replace(/[^A-Za-z0-9_]/g, '_')}`;
  return url.toString();
}

/** A name no other test run uses: for topics namespaces, consumer groups, databases. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Silent unless TEST_LOG_LEVEL is set (e.g. TEST_LOG_LEVEL=debug npx jest …). */
export function testLogger(service = 'test'): Logger {
  return createLogger({ service, level: (process.env['TEST_LOG_LEVEL'] as 'debug') ?? 'silent' });
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Said in the error when the condition never holds. */
  what: string;
}

/** Polls `probe` until it returns a truthy value; fails with `what` and the last error after the timeout. */
export async function waitFor<T>(probe: () => Promise<T> | T, options: WaitOptions): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError ? ` (last error: ${(lastError as Error).message ?? String(lastError)})` : '';
      throw new Error(
        `timed out after ${options.timeoutMs ?? 15_000} ms waiting for ${options.what}${detail}`,
      );
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}
