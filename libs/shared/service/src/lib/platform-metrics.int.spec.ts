import { createEvent, TOPICS } from '@cw-hudu-sync/contracts';
import { EventConsumer } from '@cw-hudu-sync/messaging';
import { isolatedMongoUrl, stackAddresses, testLogger, uniqueName, waitFor } from '@cw-hudu-sync/testing';
import { startPlatform } from './platform';
import { buildServiceApp } from './service-app';

/**
 * The platform's metrics wiring against the real broker, with no app code: every metric listed on
 * /metrics from the start, events counted by type, and the lag of a consumer group the app created.
 */
describe('platform metrics wiring', () => {
  it('serves every metric, counts published events and measures the lag of the app’s consumers', async () => {
    const logger = testLogger('platform-metrics');
    const namespace = uniqueName('pm');
    const platform = startPlatform({
      service: 'metrics-test',
      logger,
      topicPartitions: 1,
      lagIntervalMs: 200,
      config: {
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: 0,
        LOG_LEVEL: 'silent',
        KAFKA_BROKERS: stackAddresses().kafkaBrokers,
        KAFKA_TOPIC_NAMESPACE: namespace,
        MONGO_URL: isolatedMongoUrl('platformmetrics'),
        SHUTDOWN_TIMEOUT_MS: 5_000,
      },
    });
    const app = buildServiceApp({ name: 'metrics-test', logger, readiness: [], metrics: platform.metrics });
    const scrape = async () => (await app.inject({ method: 'GET', url: '/metrics' })).body;
    // The app's consumer: created through platform.kafka, never started, so its group commits nothing.
    const consumer = new EventConsumer({
      kafka: platform.kafka,
      groupId: 'fetcher',
      namespace,
      topics: [TOPICS.syncCommands],
      publisher: platform.publisher,
      logger,
      handler: async () => undefined,
    });
    try {
      expect(await scrape()).toContain('# TYPE cwhs_consumer_lag gauge');
      expect(await scrape()).toContain('# TYPE cwhs_hudu_budget_wait_seconds histogram');
      const { db } = await platform.ready;
      expect(db).toBeDefined();
      await platform.publisher.publish(
        createEvent(
          'SyncRequested',
          { integrationId: 'acme' },
          { mode: 'full', force: false, requestedBy: 't' },
        ),
      );
      expect(await scrape()).toMatch(
        /cwhs_events_published_by_type_total\{integration="acme",type="SyncRequested",service="metrics-test"\} 1/,
      );
      // EventConsumer subscribes in start(); the lag monitor learns the group when it does.
      await consumer.start();
      await consumer.stop();
      const topic = `${namespace}.${TOPICS.syncCommands}`;
      const group = `${namespace}.fetcher`;
      expect(platform.consumerLag.watched()).toEqual({ [group]: [topic] });
      await platform.consumerLag.refresh();
      const text = await waitFor(
        async () => {
          const body = await scrape();
          return body.includes(`cwhs_consumer_lag{group="${group}"`) ? body : undefined;
        },
        { what: 'the consumer lag of the group' },
      );
      expect(text).toMatch(
        new RegExp(
          `cwhs_consumer_lag\\{group="${group}",topic="${topic}",partition="0",service="metrics-test"\\} 1\n`,
        ),
      );
    } finally {
      for (const step of platform.shutdown) await step.run().catch(() => undefined);
      await app.close();
    }
  });
});
