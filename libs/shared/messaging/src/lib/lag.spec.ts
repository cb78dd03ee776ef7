import { Registry } from 'prom-client';
import type { Kafka } from 'kafkajs';
import { createLogger } from '@cw-hudu-sync/logging';
import { ConsumerLagMonitor, groupLag, lagMetrics, type OffsetSource } from './lag';

/** Offsets as the admin API would answer them. */
function source(
  ends: Record<string, Array<{ partition: number; high: string; low: string }>>,
  committed: Record<string, Array<{ partition: number; offset: string }>>,
): OffsetSource {
  return {
    fetchTopicOffsets: async (topic) => ends[topic] ?? [],
    fetchOffsets: async ({ topics }) =>
      topics.map((topic) => ({ topic, partitions: committed[topic] ?? [] })),
  };
}

describe('groupLag', () => {
  it('is the end offset minus the committed offset, per partition', async () => {
    const offsets = source(
      {
        a: [
          { partition: 0, high: '10', low: '0' },
          { partition: 1, high: '7', low: '0' },
        ],
      },
      {
        a: [
          { partition: 0, offset: '4' },
          { partition: 1, offset: '7' },
        ],
      },
    );
    expect(await groupLag(offsets, 'g', ['a'])).toEqual([
      { group: 'g', topic: 'a', partition: 0, lag: 6 },
      { group: 'g', topic: 'a', partition: 1, lag: 0 },
    ]);
  });

  it('counts from the low watermark when the group committed nothing (consumers start at the beginning)', async () => {
    const offsets = source(
      { a: [{ partition: 0, high: '10', low: '3' }] },
      { a: [{ partition: 0, offset: '-1' }] },
    );
    expect(await groupLag(offsets, 'g', ['a'])).toEqual([{ group: 'g', topic: 'a', partition: 0, lag: 7 }]);
  });

  it('never reports a negative lag and covers every topic of the group', async () => {
    const offsets = source(
      { a: [{ partition: 0, high: '5', low: '0' }], b: [{ partition: 0, high: '2', low: '0' }] },
      { a: [{ partition: 0, offset: '9' }] },
    );
    expect(await groupLag(offsets, 'g', ['b', 'a'])).toEqual([
      { group: 'g', topic: 'a', partition: 0, lag: 0 },
      { group: 'g', topic: 'b', partition: 0, lag: 2 },
    ]);
  });

  it('asks nothing for a group without topics', async () => {
    const offsets = source({}, {});
    const spy = jest.spyOn(offsets, 'fetchOffsets');
    expect(await groupLag(offsets, 'g', [])).toEqual([]);
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('ConsumerLagMonitor', () => {
  const logger = createLogger({ service: 'test', level: 'silent' });

  it('sets the gauge per group, topic and partition from the admin API', async () => {
    const registry = new Registry();
    const admin = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      ...source({ t: [{ partition: 2, high: '12', low: '0' }] }, { t: [{ partition: 2, offset: '5' }] }),
    };
    const kafka = { admin: () => admin } as unknown as Kafka;
    const monitor = new ConsumerLagMonitor({ kafka, registry, logger });
    monitor.watch('g', ['t']);
    await monitor.refresh();
    await monitor.stop();
    expect(await registry.getSingleMetricAsString('cwhs_consumer_lag')).toContain(
      'cwhs_consumer_lag{group="g",topic="t",partition="2"} 7',
    );
  });

  it('counts a failed measurement and keeps going', async () => {
    const registry = new Registry();
    const admin = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchOffsets: async () => Promise.reject(new Error('coordinator not available')),
      fetchTopicOffsets: async () => [],
    };
    const monitor = new ConsumerLagMonitor({
      kafka: { admin: () => admin } as unknown as Kafka,
      registry,
      logger,
    });
    monitor.watch('g', ['t']);
    await monitor.refresh();
    await monitor.stop();
    const failures = await lagMetrics(registry).refreshFailures.get();
    expect(failures.values).toEqual([expect.objectContaining({ labels: { group: 'g' }, value: 1 })]);
  });

  it('registers its metrics once per registry', () => {
    const registry = new Registry();
    expect(lagMetrics(registry)).toBe(lagMetrics(registry));
  });
});
