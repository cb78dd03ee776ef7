import { Kafka, logLevel as KafkaLogLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from '@cw-hudu-sync/logging';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  logger: Logger;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** How often KafkaJS retries a failed request before giving up (exponential backoff inside KafkaJS). */
  retries?: number;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
  [KafkaLogLevel.NOTHING]: 'debug',
};

/** A KafkaJS client whose own log lines go through the service's Pino logger. */
export function createKafka(settings: KafkaSettings): Kafka {
  const kafkaLogger = settings.logger.child({ component: 'kafkajs' });
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: settings.connectionTimeoutMs ?? 3_000,
    requestTimeout: settings.requestTimeoutMs ?? 30_000,
    retry: { retries: settings.retries ?? 8, initialRetryTime: 300, maxRetryTime: 10_000 },
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        kafkaLogger[LEVELS[level] ?? 'info'](extra, message);
      },
  };
  return new Kafka(config);
}

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  configEntries?: { name: string; value: string }[];
}

/**
 * Creates the topics that do not exist yet (idempotent, safe when several replicas race), then waits
 * until every partition has a leader. KafkaJS's own `waitForLeaders` gives up when a Kafka 4 broker
 * briefly answers UNKNOWN_TOPIC_OR_PARTITION for a topic it has just created, so we poll ourselves.
 */
export async function ensureTopics(kafka: Kafka, topics: TopicSpec[], timeoutMs = 30_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      try {
        await admin.createTopics({
          waitForLeaders: false,
          topics: missing.map((t) => ({
            topic: t.topic,
            numPartitions: t.numPartitions ?? 6,
            replicationFactor: t.replicationFactor ?? -1,
            ...(t.configEntries ? { configEntries: t.configEntries } : {}),
          })),
        });
      } catch (error) {
        // Another replica created it first: fine.
        if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
      }
    }
    const names = topics.map((t) => t.topic);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
        const ready = metadata.every(
          (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
        );
        if (ready && metadata.length === names.length) return;
      } catch (error) {
        const type = (error as { type?: string }).type;
        if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error;
      }
      if (Date.now() > deadline)
        throw new Error(`topics have no leaders after ${timeoutMs} ms: ${names.join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * A cheap, bounded "can we talk to the cluster right now" check for readiness probes: a metadata request
 * on a dedicated admin connection that does not retry. Resolves or rejects within about `timeoutMs`.
 */
export function createKafkaProbe(settings: Omit<KafkaSettings, 'retries'> & { timeoutMs?: number }) {
  const timeoutMs = settings.timeoutMs ?? 2_000;
  const kafka = createKafka({
    ...settings,
    clientId: `${settings.clientId}-probe`,
    retries: 0,
    connectionTimeoutMs: Math.min(timeoutMs, 1_000),
    requestTimeoutMs: timeoutMs,
  });
  let admin = kafka.admin({ retry: { retries: 0 } });
  let connected = false;
  return {
    async check(): Promise<void> {
      try {
        if (!connected) {
          await withTimeout(admin.connect(), timeoutMs, 'Kafka connect');
          connected = true;
        }
        await withTimeout(admin.describeCluster(), timeoutMs, 'Kafka describeCluster');
      } catch (error) {
        connected = false;
        await admin.disconnect().catch(() => undefined);
        admin = kafka.admin({ retry: { retries: 0 } });
        throw error;
      }
    },
    async close(): Promise<void> {
      await admin.disconnect().catch(() => undefined);
    },
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
