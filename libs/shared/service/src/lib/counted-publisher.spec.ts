import type { Kafka } from 'kafkajs';
import { createEvent, type Envelope } from '@cw-hudu-sync/contracts';
import { createLogger } from '@cw-hudu-sync/logging';
import { CountedPublisher } from './counted-publisher';

/** Just enough of a KafkaJS client for the publisher: a producer whose sends succeed or fail on demand. */
function fakeKafka(send: () => Promise<void>) {
  const producer = {
    events: { CONNECT: 'producer.connect', DISCONNECT: 'producer.disconnect' },
    on: () => undefined,
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendBatch: send,
    send,
  };
  return { producer: () => producer } as unknown as Kafka;
}

const logger = createLogger({ service: 'test', level: 'silent' });
const event = () =>
  createEvent(
    'SyncRequested',
    { integrationId: 'acme' },
    { mode: 'full', force: false, requestedBy: 'test' },
  );

describe('CountedPublisher', () => {
  it('tells the observer about every event of an acknowledged batch', async () => {
    const publisher = new CountedPublisher(
      fakeKafka(async () => undefined),
      logger,
    );
    const seen: Envelope[] = [];
    publisher.observe((events) => seen.push(...events));
    const batch = [event(), event()];
    await publisher.publish(batch);
    await publisher.publish(batch[0] as Envelope);
    expect(seen.map((e) => e.eventId)).toEqual([batch[0]?.eventId, batch[1]?.eventId, batch[0]?.eventId]);
  });

  it('counts nothing when the send fails, and the failure reaches the caller', async () => {
    const publisher = new CountedPublisher(
      fakeKafka(async () => Promise.reject(new Error('broker down'))),
      logger,
    );
    const seen: Envelope[] = [];
    publisher.observe((events) => seen.push(...events));
    await expect(publisher.publish([event()])).rejects.toThrow('broker down');
    expect(seen).toEqual([]);
  });

  it('never fails a publish because the observer threw', async () => {
    const publisher = new CountedPublisher(
      fakeKafka(async () => undefined),
      logger,
    );
    publisher.observe(() => {
      throw new Error('observer bug');
    });
    await expect(publisher.publish([event()])).resolves.toBeUndefined();
  });
});
