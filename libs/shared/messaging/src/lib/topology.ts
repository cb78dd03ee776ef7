import { TOPICS } from '@cw-hudu-sync/contracts';
import type { TopicSpec } from './kafka';

/** The physical topic name: the base name, prefixed by the namespace when one is set. */
export function topicName(base: string, namespace?: string): string {
  return namespace ? `${namespace}.${base}` : base;
}

/** The topics the product needs, with their partition counts. Partitions bound consumer parallelism. */
export function productTopics(partitions = 6, namespace?: string): TopicSpec[] {
  return Object.values(TOPICS).map((topic) => ({
    topic: topicName(topic, namespace),
    numPartitions: topic === TOPICS.deadLetter ? 1 : partitions,
    ...(topic === TOPICS.deadLetter
      ? { configEntries: [{ name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) }] }
      : {}),
  }));
}
