import type { Consumer, Kafka } from 'kafkajs';
import { stackAddresses, testLogger, uniqueName } from '@cw-hudu-sync/testing';
import { PRODUCT_PARTITION_ASSIGNERS } from './co-partitioned-assigner';
import { createKafka, ensureTopics } from './kafka';

/**
 * Four members of one group reading two 6-partition topics on the real broker (the importer's shape when
 * KEDA scales it to 4): every member holds partition p of both topics or of neither.
 */
describe('co-partitioned assignment on the real broker', () => {
  const logger = testLogger('assigner-test');
  let kafka: Kafka;
  const consumers: Consumer[] = [];

  beforeAll(() => {
    kafka = createKafka({ brokers: stackAddresses().kafkaBrokers, clientId: 'assigner-int-test', logger });
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
  });

  it('gives partition p of both topics to the same member, with 4 members on 6 partitions', async () => {
    const namespace = uniqueName('assign');
    const topics = [`${namespace}.matches`, `${namespace}.records`];
    await ensureTopics(
      kafka,
      topics.map((topic) => ({ topic, numPartitions: 6 })),
    );
    const latest = new Map<number, Record<string, number[]>>();
    for (let i = 0; i < 4; i++) {
      const consumer = kafka.consumer({
        groupId: `${namespace}.importer`,
        partitionAssigners: PRODUCT_PARTITION_ASSIGNERS,
        sessionTimeout: 10_000,
        rebalanceTimeout: 10_000,
      });
      consumer.on(consumer.events.GROUP_JOIN, (e) => latest.set(i, e.payload.memberAssignment));
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({ eachMessage: async () => undefined });
    }

    // Settled: every topic-partition held by exactly one of the four members.
    const deadline = Date.now() + 60_000;
    const held = () =>
      [...latest.values()].flatMap((a) => Object.entries(a).flatMap(([t, ps]) => ps.map((p) => `${t}/${p}`)));
    while ((latest.size < 4 || held().length !== 12 || new Set(held()).size !== 12) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(new Set(held()).size).toBe(12);
    expect(held()).toHaveLength(12);

    for (const assignment of latest.values()) {
      const [matches = [], records = []] = topics.map((t) => [...(assignment[t] ?? [])].sort());
      expect(matches).toEqual(records);
    }
  }, 90_000);
});
