import type { Connection } from 'mongoose';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Kafka } from 'kafkajs';
import type { ServiceEnvironment } from '@cw-hudu-sync/config';
import type { Logger } from '@cw-hudu-sync/logging';
import {
  ConsumerLagMonitor,
  createKafka,
  createKafkaProbe,
  ensureTopics,
  type EventPublisher,
  productTopics,
} from '@cw-hudu-sync/messaging';
import { connectDatabase, pingDatabase } from '@cw-hudu-sync/persistence';
import { CountedPublisher } from './counted-publisher';
import { registerServiceMetrics } from './metrics';
import type { DependencyCheck } from './service-app';

/**
 * What every service stands on: a Kafka client and publisher, a database connection, the readiness checks
 * for both, and the shutdown steps that close them. Connecting happens in the background with retries,
 * so a service starts (and reports itself unready) even while Kafka or the database is still down.
 */
export interface Platform {
  kafka: Kafka;
  /** The service's Prometheus registry (process metrics, messaging metrics, and the service's own). */
  metrics: Registry;
  /** Topic namespace (KAFKA_TOPIC_NAMESPACE) to give every consumer. */
  namespace: string | undefined;
  publisher: EventPublisher;
  /** Measures the lag of every consumer group created through `kafka` (cwhs_consumer_lag). */
  consumerLag: ConsumerLagMonitor;
  readiness: DependencyCheck[];
  /** Resolves with the database connection once both Kafka and the database are connected. */
  ready: Promise<{ db: Connection }>;
  shutdown: Array<{ name: string; run: () => Promise<void> }>;
}

export interface PlatformSettings {
  service: string;
  config: ServiceEnvironment;
  logger: Logger;
  /** Partitions for topics this service creates if missing. */
  topicPartitions?: number;
  retryDelayMs?: number;
  /** How often consumer lag is measured (default 15 s). */
  lagIntervalMs?: number;
}

export function startPlatform(settings: PlatformSettings): Platform {
  const { config, logger, service } = settings;
  const clientId = config.KAFKA_CLIENT_ID ?? `cw-hudu-sync-${service}`;
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId, logger });
  const probe = createKafkaProbe({ brokers: config.KAFKA_BROKERS, clientId, logger });
  const namespace = config.KAFKA_TOPIC_NAMESPACE;
  const metrics = new Registry();
  metrics.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metrics });
  // Every product metric is registered now, so /metrics lists it before its first sample.
  const serviceMetrics = registerServiceMetrics(metrics);
  const publisher = new CountedPublisher(kafka, logger, { namespace, metrics });
  publisher.observe(serviceMetrics.published);
  // Consumers are created by the apps through this Kafka client: the monitor learns their groups.
  const consumerLag = new ConsumerLagMonitor({
    kafka,
    registry: metrics,
    logger,
    ...(settings.lagIntervalMs ? { intervalMs: settings.lagIntervalMs } : {}),
  });
  consumerLag.instrumentConsumers(kafka);
  let db: Connection | undefined;
  let closing = false;
  const retryDelayMs = settings.retryDelayMs ?? 2_000;

  async function untilConnected<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        if (closing) throw error;
        logger.warn({ err: error, tries }, `${what} not reachable yet; retrying in ${retryDelayMs} ms`);
        await new Promise((r) => setTimeout(r, retryDelayMs));
      }
    }
  }

  const ready = (async () => {
    const [connection] = await Promise.all([
      untilConnected('database', () => connectDatabase({ url: config.MONGO_URL, logger })),
      untilConnected('kafka', async () => {
        await ensureTopics(kafka, productTopics(settings.topicPartitions, namespace));
        await publisher.connect();
      }),
    ]);
    db = connection;
    consumerLag.start();
    logger.info('connected to Kafka and the database');
    return { db: connection };
  })();
  // Failure here only happens while closing; keep it from becoming an unhandled rejection.
  ready.catch(() => undefined);

  return {
    kafka,
    metrics,
    namespace,
    publisher,
    consumerLag,
    ready,
    readiness: [
      { name: 'kafka', check: () => probe.check() },
      {
        name: 'database',
        check: async () => {
          if (!db) throw new Error('not connected yet');
          await pingDatabase(db);
        },
      },
    ],
    shutdown: [
      {
        name: 'metrics',
        run: async () => {
          serviceMetrics.close();
          await consumerLag.stop();
        },
      },
      {
        name: 'kafka producer',
        run: async () => {
          closing = true;
          await publisher.disconnect();
          await probe.close();
        },
      },
      { name: 'database', run: async () => void (await db?.close()) },
    ],
  };
}
