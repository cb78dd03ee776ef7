import type { Admin, Consumer, ConsumerConfig, ConsumerSubscribeTopics, Kafka } from 'kafkajs';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '@cw-hudu-sync/logging';

/**
 * Consumer lag per group, topic and partition: the partition's end offset minus the group's committed
 * offset (the low watermark when the group has committed nothing yet, as consumers start from the
 * beginning). Measured periodically through the admin API, so it needs no hook in the consumer and
 * also shows lag while the consumer is stuck or down.
 */
export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  lag: number;
}

/** End offsets and committed offsets as KafkaJS's admin client returns them. */
export interface OffsetSource {
  fetchTopicOffsets(topic: string): Promise<Array<{ partition: number; high: string; low: string }>>;
  fetchOffsets(options: {
    groupId: string;
    topics: string[];
  }): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>>;
}

/** Lag of one group on its topics; pure arithmetic over what the admin API answered. */
export async function groupLag(
  source: OffsetSource,
  group: string,
  topics: string[],
): Promise<PartitionLag[]> {
  if (topics.length === 0) return [];
  const committed = await source.fetchOffsets({ groupId: group, topics });
  const lags: PartitionLag[] = [];
  for (const topic of topics) {
    const ends = await source.fetchTopicOffsets(topic);
    const done = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const end of ends) {
      const offset = Number(done.find((p) => p.partition === end.partition)?.offset ?? '-1');
      const from = offset >= 0 ? offset : Number(end.low);
      lags.push({ group, topic, partition: end.partition, lag: Math.max(0, Number(end.high) - from) });
    }
  }
  return lags.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

export interface LagMetrics {
  lag: Gauge<'group' | 'topic' | 'partition'>;
  refreshFailures: Counter<'group'>;
}

const cache = new WeakMap<Registry, LagMetrics>();

export function lagMetrics(registry: Registry): LagMetrics {
  const existing = cache.get(registry);
  if (existing) return existing;
  const metrics: LagMetrics = {
    lag: new Gauge({
      name: 'cwhs_consumer_lag',
      help: 'Messages not yet committed by a consumer group: partition end offset minus committed offset.',
      labelNames: ['group', 'topic', 'partition'],
      registers: [registry],
    }),
    refreshFailures: new Counter({
      name: 'cwhs_consumer_lag_refresh_failures_total',
      help: 'Times the consumer lag of a group could not be measured (broker unreachable, …).',
      labelNames: ['group'],
      registers: [registry],
    }),
  };
  cache.set(registry, metrics);
  return metrics;
}

export interface LagMonitorSettings {
  kafka: Kafka;
  registry: Registry;
  logger: Logger;
  /** How often lag is measured (default 15 s). */
  intervalMs?: number;
}

/**
 * Measures the lag of the groups it is told about (`watch`, or `instrumentConsumers` on the service's
 * Kafka client) every `intervalMs` and keeps the `cwhs_consumer_lag` gauge current.
 */
export class ConsumerLagMonitor {
  private readonly groups = new Map<string, Set<string>>();
  private readonly metrics: LagMetrics;
  private readonly intervalMs: number;
  private admin: Admin | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly settings: LagMonitorSettings) {
    this.metrics = lagMetrics(settings.registry);
    this.intervalMs = settings.intervalMs ?? 15_000;
  }

  /** Adds a group and the (physical) topics it reads. */
  watch(group: string, topics: string[]) {
    const known = this.groups.get(group) ?? new Set<string>();
    for (const topic of topics) known.add(topic);
    this.groups.set(group, known);
  }

  watched(): Record<string, string[]> {
    return Object.fromEntries([...this.groups].map(([group, topics]) => [group, [...topics].sort()]));
  }

  /**
   * Learns every consumer group created through `kafka` from now on, and the topics it subscribes to,
   * by wrapping `kafka.consumer()`. The service platform owns its Kafka client, so apps need no change.
   */
  instrumentConsumers(kafka: Kafka) {
    const create = kafka.consumer.bind(kafka);
    kafka.consumer = (config: ConsumerConfig): Consumer => {
      const consumer = create(config);
      const subscribe = consumer.subscribe.bind(consumer);
      consumer.subscribe = async (subscription: ConsumerSubscribeTopics | { topic: string | RegExp }) => {
        const topics = 'topics' in subscription ? subscription.topics : [subscription.topic];
        this.watch(
          config.groupId,
          topics.filter((t): t is string => typeof t === 'string'),
        );
        return subscribe(subscription as ConsumerSubscribeTopics);
      };
      return consumer;
    };
  }

  start() {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  /** Measures every watched group now; a group that cannot be measured keeps its last values. */
  async refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    this.refreshing = this.measure().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.refreshing?.catch(() => undefined);
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private async measure() {
    if (this.groups.size === 0 || this.stopped) return;
    let admin = this.admin;
    if (!admin) {
      admin = this.settings.kafka.admin();
      try {
        await admin.connect();
      } catch (error) {
        for (const group of this.groups.keys()) this.metrics.refreshFailures.inc({ group });
        this.settings.logger.debug({ err: error }, 'consumer lag not measured: admin client not connected');
        return;
      }
      this.admin = admin;
    }
    for (const [group, topics] of this.groups) {
      try {
        for (const { topic, partition, lag } of await groupLag(admin, group, [...topics])) {
          this.metrics.lag.set({ group, topic, partition: String(partition) }, lag);
        }
      } catch (error) {
        this.metrics.refreshFailures.inc({ group });
        this.settings.logger.debug({ err: error, group }, 'consumer lag not measured');
      }
    }
  }
}
