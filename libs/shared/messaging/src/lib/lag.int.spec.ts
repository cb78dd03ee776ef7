import { Registry } from 'prom-client';
import type { Kafka } from 'kafkajs';
import { TOPICS } from '@cw-hudu-sync/contracts';
import { stackAddresses, testLogger, uniqueName } from '@cw-hudu-sync/testing';
import { createKafka, ensureTopics } from './kafka';
import { ConsumerLagMonitor } from './lag';
import { productTopics, topicName } from './topology';

/** Lag measured against the real broker: offsets produced, committed by a group, and what the gauge says. */
describe('consumer lag against the real broker', () => {
  const logger = testLogger('lag-test');
  let kafka: Kafka;

  beforeAll(() => {
    kafka = createKafka({ brokers: stackAddresses().kafkaBrokers, clientId: 'lag-int-test', logger });
  });

  it('learns the groups created through the client and reports end minus committed per partition', async () => {
    const namespace = uniqueName('lag');
    await ensureTopics(kafka, productTopics(2, namespace));
    const topic = topicName(TOPICS.syncCommands, namespace);
    const group = `${namespace}.fetcher`;
    const registry = new Registry();
    const monitor = new ConsumerLagMonitor({ kafka, registry, logger });
    monitor.instrumentConsumers(kafka);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        ...Array.from({ length: 5 }, (_, i) => ({ partition: 0, value: `a${i}` })),
        ...Array.from({ length: 3 }, (_, i) => ({ partition: 1, value: `b${i}` })),
      ],
    });
    await producer.disconnect();

    // A consumer created through the instrumented client: the monitor learns its group and topics.
    const consumer = kafka.consumer({ groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.disconnect();
    expect(monitor.watched()).toEqual({ [group]: [topic] });

    const lagOf = async () => {
      await monitor.refresh();
      const values = (await registry.getSingleMetric('cwhs_consumer_lag')?.get())?.values ?? [];
      return Object.fromEntries(
        values.map((v) => [`${v.labels['topic']}/${v.labels['partition']}`, v.value]),
      );
    };
    const admin = kafka.admin();
    await admin.connect();
    try {
      // The log ends where the broker says: 5 and 3 sent, more if a producer retry wrote a batch twice
      // (the plain producer is at-least-once; seen once on a loaded machine).
      const ends = Object.fromEntries(
        (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]),
      );
      expect(ends[0]).toBeGreaterThanOrEqual(5);
      expect(ends[1]).toBeGreaterThanOrEqual(3);

      // Nothing committed yet: everything is lag.
      expect(await lagOf()).toEqual({ [`${topic}/0`]: ends[0], [`${topic}/1`]: ends[1] });

      // The group commits 2 messages of partition 0 and all of partition 1.
      await admin.setOffsets({
        groupId: group,
        topic,
        partitions: [
          { partition: 0, offset: '2' },
          { partition: 1, offset: String(ends[1]) },
        ],
      });
      expect(await lagOf()).toEqual({ [`${topic}/0`]: ends[0]! - 2, [`${topic}/1`]: 0 });
    } finally {
      await admin.disconnect();
      await monitor.stop();
    }
  });
});
