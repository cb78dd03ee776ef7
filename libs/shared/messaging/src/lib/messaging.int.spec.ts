import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildSync } from 'esbuild';
import type { Kafka, KafkaMessage } from 'kafkajs';
import {
  createEvent,
  decodeEvent,
  type Envelope,
  HEADERS,
  InvalidEventError,
  TOPICS,
} from '@cw-hudu-sync/contracts';
import { stackAddresses, testLogger, uniqueName, waitFor } from '@cw-hudu-sync/testing';
import { EventConsumer, type EventHandler } from './consumer';
import { PermanentFailure } from './failures';
import { createKafka, ensureTopics } from './kafka';
import { EventPublisher } from './publisher';
import { productTopics, topicName } from './topology';

const logger = testLogger('messaging-test');
const workspace = path.resolve(__dirname, '../../../../..');
let kafka: Kafka;
let brokers: string[];

beforeAll(() => {
  brokers = stackAddresses().kafkaBrokers;
  kafka = createKafka({ brokers, clientId: 'messaging-int-test', logger });
});

/** A fresh namespace (so fresh topics) per test: no test sees another's messages. */
async function freshNamespace() {
  const namespace = uniqueName('t');
  await ensureTopics(kafka, productTopics(2, namespace));
  const publisher = new EventPublisher(kafka, logger, { namespace });
  await publisher.connect();
  return { namespace, publisher };
}

const consumers: EventConsumer[] = [];
const publishers: EventPublisher[] = [];
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
  await Promise.all(publishers.splice(0).map((p) => p.disconnect()));
});

async function startConsumer(
  namespace: string,
  publisher: EventPublisher,
  handler: EventHandler,
  groupId?: string,
) {
  const consumer = new EventConsumer({
    kafka,
    groupId: groupId ?? uniqueName('g'),
    namespace,
    topics: [TOPICS.syncCommands],
    publisher,
    logger,
    handler,
    maxAttempts: 3,
    backoff: { initialMs: 20, maxMs: 100 },
  });
  consumers.push(consumer);
  await consumer.start();
  return consumer;
}

/** Reads the dead-letter topic of a namespace from the beginning. */
async function readDeadLetters(namespace: string, expected: number): Promise<KafkaMessage[]> {
  const found: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('dlq-reader') });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName(TOPICS.deadLetter, namespace), fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void found.push(message) });
  try {
    await waitFor(() => found.length >= expected, { what: `${expected} dead letters`, timeoutMs: 20_000 });
  } finally {
    await consumer.disconnect();
  }
  return found;
}

const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
const sync = (integrationId: string, requestedBy: string) =>
  createEvent('SyncRequested', { integrationId, runId: 'r1' }, { mode: 'full', requestedBy });

describe('messaging against the real broker', () => {
  it('round-trips validated events with their headers, in order per integration', async () => {
    const { namespace, publisher } = await freshNamespace();
    publishers.push(publisher);
    const received: Envelope[] = [];
    await startConsumer(namespace, publisher, async (event, context) => {
      expect(context.headers[HEADERS.eventType]?.toString()).toBe('SyncRequested');
      received.push(event);
    });
    const sent = [sync('acme', 'a'), sync('acme', 'b'), sync('acme', 'c')];
    await publisher.publish(sent);
    await waitFor(() => received.length === 3, { what: 'three events' });
    expect(received).toEqual(sent);
  });

  it('publishes more than the broker takes in one request (1 MiB) as several requests, in order', async () => {
    const { namespace, publisher } = await freshNamespace();
    publishers.push(publisher);
    // ~4,000 events of ~450 bytes, one key: ~1.8 MB for one partition (a page of configurations is like it).
    const sent = Array.from({ length: 4_000 }, (_, i) => sync('acme', `${i}:${'x'.repeat(190)}`));
    await publisher.publish(sent);
    const order: number[] = [];
    const reader = kafka.consumer({ groupId: uniqueName('reader') });
    await reader.connect();
    await reader.subscribe({ topic: topicName(TOPICS.syncCommands, namespace), fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const { requestedBy } = decodeEvent(message.value).payload as { requestedBy: string };
        order.push(Number(requestedBy.split(':')[0]));
      },
    });
    try {
      await waitFor(() => order.length >= sent.length, { what: `${sent.length} events`, timeoutMs: 30_000 });
    } finally {
      await reader.disconnect();
    }
    expect(order).toEqual(sent.map((_, i) => i));
  });

  it('refuses to publish an event that breaks its contract', async () => {
    const { publisher } = await freshNamespace();
    publishers.push(publisher);
    const bad = { ...sync('acme', 'x'), payload: { mode: 'sideways' } };
    await expect(publisher.publish(bad as Envelope)).rejects.toThrow(InvalidEventError);
  });

  it('dead-letters an invalid message with its reason and goes on with the next one', async () => {
    const { namespace, publisher } = await freshNamespace();
    publishers.push(publisher);
    const received: string[] = [];
    await startConsumer(
      namespace,
      publisher,
      async (event) => void received.push(String(event.payload['requestedBy'])),
    );
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({
      topic: topicName(TOPICS.syncCommands, namespace),
      messages: [{ key: 'acme', value: '{"not":"an event"}' }],
    });
    await raw.disconnect();
    await publisher.publish(sync('acme', 'after-the-bad-one'));
    await waitFor(() => received.includes('after-the-bad-one'), {
      what: 'the valid event after the bad one',
    });
    const [letter] = await readDeadLetters(namespace, 1);
    expect(letter!.value!.toString()).toBe('{"not":"an event"}');
    expect(header(letter!, HEADERS.dlqReason)).toMatch(/^invalid event: envelope eventId/);
    expect(header(letter!, HEADERS.dlqOriginalTopic)).toBe(topicName(TOPICS.syncCommands, namespace));
  });

  it('retries transient failures in place and dead-letters permanent ones with the reason', async () => {
    const { namespace, publisher } = await freshNamespace();
    publishers.push(publisher);
    const attempts = new Map<string, number>();
    const done: string[] = [];
    await startConsumer(namespace, publisher, async (event) => {
      const tag = String(event.payload['requestedBy']);
      attempts.set(tag, (attempts.get(tag) ?? 0) + 1);
      if (tag === 'flaky' && attempts.get(tag)! < 3) throw new Error('temporarily unavailable');
      if (tag === 'poison') throw new PermanentFailure('Hudu rejected the record: name is blank');
      if (tag === 'always-down') throw new Error('still down');
      done.push(tag);
    });
    await publisher.publish([
      sync('acme', 'flaky'),
      sync('acme', 'poison'),
      sync('acme', 'always-down'),
      sync('acme', 'ok'),
    ]);
    await waitFor(() => done.includes('ok'), { what: 'the last event' });
    expect(done).toEqual(['flaky', 'ok']);
    expect(attempts.get('flaky')).toBe(3);
    expect(attempts.get('poison')).toBe(1);
    expect(attempts.get('always-down')).toBe(3);
    const letters = await readDeadLetters(namespace, 2);
    const reasons = letters.map((m) => header(m, HEADERS.dlqReason));
    expect(reasons).toEqual([
      'rejected: PermanentFailure: Hudu rejected the record: name is blank',
      'failed after 3 attempts: Error: still down',
    ]);
  });

  it('re-reads the uncommitted message after a consumer is killed mid-message (at-least-once)', async () => {
    const { namespace, publisher } = await freshNamespace();
    publishers.push(publisher);
    const groupId = uniqueName('crash');
    const bundle = path.join(workspace, 'tmp', `${groupId}.js`);
    buildSync({
      entryPoints: [path.join(__dirname, '../../test/fixtures/crash-consumer.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      tsconfig: path.join(workspace, 'tsconfig.base.json'),
      outfile: bundle,
      logLevel: 'silent',
    });
    await publisher.publish([
      sync('acme', 'one'),
      sync('acme', 'two'),
      sync('acme', 'hang-here'),
      sync('acme', 'four'),
    ]);

    const child = spawn(process.execPath, [bundle, brokers.join(','), namespace, groupId], {
      cwd: workspace,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    await waitFor(() => output.includes('hanging hang-here'), {
      what: 'the child to reach the third message',
      timeoutMs: 30_000,
    });
    expect(output).toContain('handled one\nhandled two\n');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    // A new member of the same group starts where the dead one last committed: at the third message.
    const received: string[] = [];
    await startConsumer(
      namespace,
      publisher,
      async (event) => {
        const tag = String(event.payload['requestedBy']);
        received.push(tag);
      },
      groupId,
    );
    await waitFor(() => received.length >= 2, { what: 'redelivery after the crash', timeoutMs: 45_000 });
    expect(received).toEqual(['hang-here', 'four']);
  });

  it('finishes the message in hand when stopped, then commits it', async () => {
    const { namespace, publisher } = await freshNamespace();
    publishers.push(publisher);
    const groupId = uniqueName('graceful');
    let started = false;
    let finished = false;
    const consumer = await startConsumer(
      namespace,
      publisher,
      async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 1_000));
        finished = true;
      },
      groupId,
    );
    await publisher.publish(sync('acme', 'slow'));
    await waitFor(() => started, { what: 'the handler to start' });
    await consumer.stop();
    expect(finished).toBe(true);

    const again: string[] = [];
    await startConsumer(
      namespace,
      publisher,
      async (e) => void again.push(String(e.payload['requestedBy'])),
      groupId,
    );
    await publisher.publish(sync('acme', 'next'));
    await waitFor(() => again.includes('next'), { what: 'the next event' });
    expect(again).toEqual(['next']);
  });
});
