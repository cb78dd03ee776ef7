import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildSync } from 'esbuild';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { createEvent, HEADERS, TOPICS } from '@cw-hudu-sync/contracts';
import { stackAddresses, testLogger, uniqueName, waitFor } from '@cw-hudu-sync/testing';
import type { BatchEventHandler } from './batch-consumer';
import { EventConsumer, oneByOne } from './consumer';
import { PermanentFailure, RetryLater } from './failures';
import { createKafka, ensureTopics } from './kafka';
import { EventPublisher } from './publisher';
import { productTopics, topicName } from './topology';

const logger = testLogger('batch-consumer-test');
const workspace = path.resolve(__dirname, '../../../../..');
let kafka: Kafka;
let brokers: string[];

beforeAll(() => {
  brokers = stackAddresses().kafkaBrokers;
  kafka = createKafka({ brokers, clientId: 'batch-consumer-int-test', logger });
});

async function freshNamespace() {
  const namespace = uniqueName('b');
  await ensureTopics(kafka, productTopics(2, namespace));
  const publisher = new EventPublisher(kafka, logger, { namespace });
  await publisher.connect();
  publishers.push(publisher);
  return { namespace, publisher };
}

const consumers: EventConsumer[] = [];
const publishers: EventPublisher[] = [];
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
  await Promise.all(publishers.splice(0).map((p) => p.disconnect()));
});

async function startBatchConsumer(
  namespace: string,
  publisher: EventPublisher,
  batchHandler: BatchEventHandler,
  groupId?: string,
) {
  const consumer = new EventConsumer({
    kafka,
    groupId: groupId ?? uniqueName('g'),
    namespace,
    topics: [TOPICS.syncCommands],
    publisher,
    logger,
    batchHandler,
    maxAttempts: 3,
    backoff: { initialMs: 20, maxMs: 100 },
  });
  consumers.push(consumer);
  await consumer.start();
  return consumer;
}

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
const tagOf = (item: { event: { payload: Record<string, unknown> } }) =>
  String(item.event.payload['requestedBy']);

describe('batch consumer against the real broker', () => {
  it('hands over many messages per call, in order, dead-letters an invalid and a poison message, and handles the rest', async () => {
    const { namespace, publisher } = await freshNamespace();
    const raw = kafka.producer();
    await raw.connect();
    const tags = Array.from({ length: 30 }, (_, i) => `m${i}`);
    await publisher.publish(tags.slice(0, 10).map((t) => sync('acme', t)));
    await raw.send({
      topic: topicName(TOPICS.syncCommands, namespace),
      messages: [{ key: 'acme', value: '{"not":"an event"}' }],
    });
    await raw.disconnect();
    await publisher.publish([sync('acme', 'poison'), ...tags.slice(10).map((t) => sync('acme', t))]);

    const calls: string[][] = [];
    const handled: string[] = [];
    await startBatchConsumer(namespace, publisher, async (items) => {
      calls.push(items.map(tagOf));
      return items.map((item) => {
        const tag = tagOf(item);
        if (tag === 'poison') return new PermanentFailure('Hudu rejected the record: name is blank');
        handled.push(tag);
        return undefined;
      });
    });
    await waitFor(() => handled.length === 30, { what: 'the 30 valid messages' });
    expect(handled).toEqual(tags);
    expect(Math.max(...calls.map((c) => c.length))).toBeGreaterThan(1);
    expect(calls.flat().filter((t) => t === 'poison')).toHaveLength(1);
    const letters = await readDeadLetters(namespace, 2);
    expect(letters.map((m) => header(m, HEADERS.dlqReason))).toEqual([
      expect.stringMatching(/^invalid event: /),
      'rejected: PermanentFailure: Hudu rejected the record: name is blank',
    ]);
    expect(letters[1]!.value!.toString()).toContain('"poison"');
  });

  it('retries only the failed messages (honouring RetryLater) and dead-letters them after maxAttempts', async () => {
    const { namespace, publisher } = await freshNamespace();
    await publisher.publish(['a', 'flaky', 'b', 'always-down', 'c'].map((t) => sync('acme', t)));
    const seen = new Map<string, number[]>();
    const done: string[] = [];
    await startBatchConsumer(namespace, publisher, async (items, context) => {
      return items.map((item) => {
        const tag = tagOf(item);
        seen.set(tag, [...(seen.get(tag) ?? []), item.attempt]);
        expect(item.attempt).toBe(context.attempt);
        if (tag === 'flaky' && item.attempt < 3) return new RetryLater('busy', 10);
        if (tag === 'always-down') return new Error('still down');
        done.push(tag);
        return undefined;
      });
    });
    const [letter] = await readDeadLetters(namespace, 1);
    expect(header(letter!, HEADERS.dlqReason)).toBe('failed after 3 attempts: Error: still down');
    await waitFor(() => done.length === 4, { what: 'the four others' });
    expect(done.sort()).toEqual(['a', 'b', 'c', 'flaky']);
    expect(seen.get('a')).toEqual([1]);
    expect(seen.get('flaky')).toEqual([1, 2, 3]);
    expect(seen.get('always-down')).toEqual([1, 2, 3]);
  });

  it('fails every message of the call when the handler throws, and retries them', async () => {
    const { namespace, publisher } = await freshNamespace();
    await publisher.publish(['x', 'y'].map((t) => sync('acme', t)));
    let calls = 0;
    const done: string[] = [];
    await startBatchConsumer(namespace, publisher, async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('database unavailable');
      for (const item of items) done.push(tagOf(item));
    });
    await waitFor(() => done.length === 2, { what: 'both after the retry' });
    expect(done).toEqual(['x', 'y']);
  });

  it('delivers the uncommitted batch again after the consumer is killed mid-batch (at-least-once)', async () => {
    const { namespace, publisher } = await freshNamespace();
    const groupId = uniqueName('crash-batch');
    const bundle = path.join(workspace, 'tmp', `${groupId}.js`);
    buildSync({
      entryPoints: [path.join(__dirname, '../../test/fixtures/crash-batch-consumer.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      tsconfig: path.join(workspace, 'tsconfig.base.json'),
      outfile: bundle,
      logLevel: 'silent',
    });
    await publisher.publish([sync('acme', 'one'), sync('acme', 'two')]);
    const child = spawn(process.execPath, [bundle, brokers.join(','), namespace, groupId], {
      cwd: workspace,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      await waitFor(() => output.includes('handled two'), { what: 'the first batch', timeoutMs: 30_000 });
      await publisher.publish([sync('acme', 'hang-here'), sync('acme', 'four')]);
      await waitFor(() => output.includes('hanging'), { what: 'the hanging batch', timeoutMs: 30_000 });
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }

    const received: string[] = [];
    await startBatchConsumer(
      namespace,
      publisher,
      async (items) => void received.push(...items.map(tagOf)),
      groupId,
    );
    await waitFor(() => received.length >= 2, { what: 'redelivery after the crash', timeoutMs: 45_000 });
    expect(received).toEqual(['hang-here', 'four']);
  });

  it('finishes the batch in hand when stopped, then commits it', async () => {
    const { namespace, publisher } = await freshNamespace();
    const groupId = uniqueName('graceful-batch');
    let started = false;
    let finished = false;
    const consumer = await startBatchConsumer(
      namespace,
      publisher,
      async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 1_000));
        finished = true;
      },
      groupId,
    );
    await publisher.publish([sync('acme', 'slow-1'), sync('acme', 'slow-2')]);
    await waitFor(() => started, { what: 'the handler to start' });
    await consumer.stop();
    consumers.splice(consumers.indexOf(consumer), 1);
    expect(finished).toBe(true);

    const again: string[] = [];
    await startBatchConsumer(
      namespace,
      publisher,
      async (items) => void again.push(...items.map(tagOf)),
      groupId,
    );
    await publisher.publish(sync('acme', 'next'));
    await waitFor(() => again.includes('next'), { what: 'the next event' });
    expect(again).toEqual(['next']);
  });

  it('oneByOne: handles the events of a one-message handler in order, holds back only the failed integration, commits everything', async () => {
    const { namespace, publisher } = await freshNamespace();
    await publisher.publish([sync('acme', 'a1'), sync('beta', 'b1')]);
    await publisher.publish([sync('acme', 'a2'), sync('beta', 'b2'), sync('acme', 'a3')]);

    const seen: string[] = [];
    let failOnce = true;
    const groupId = uniqueName('g');
    const consumer = new EventConsumer({
      kafka,
      groupId,
      namespace,
      topics: [TOPICS.syncCommands],
      publisher,
      logger,
      batchHandler: oneByOne(async (event, context) => {
        const tag = `${String(event.payload['requestedBy'])}@${context.attempt}`;
        seen.push(tag);
        if (tag === 'a2@1' && failOnce) {
          failOnce = false;
          throw new RetryLater('Hudu busy', 50);
        }
      }),
      maxAttempts: 3,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    consumers.push(consumer);
    await consumer.start();

    await waitFor(() => seen.filter((t) => t.startsWith('a3')).length === 1, { what: 'a3 handled' });
    // acme's a3 waited behind a2 (held back: not tried, no attempt spent), beta went on; each handled once.
    const acme = seen.filter((t) => t.startsWith('a'));
    expect(acme.slice(acme.indexOf('a2@1'))).toEqual(['a2@1', 'a2@2', 'a3@1']);
    expect(new Set(seen.map((t) => t.split('@')[0]))).toEqual(new Set(['a1', 'a2', 'a3', 'b1', 'b2']));
    expect(seen.filter((t) => t.startsWith('b2'))).toHaveLength(1);
    // Everything committed.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topic = topicName(TOPICS.syncCommands, namespace);
      await waitFor(
        async () => {
          const ends = await admin.fetchTopicOffsets(topic);
          const [committed] = await admin.fetchOffsets({
            groupId: topicName(groupId, namespace),
            topics: [topic],
          });
          return ends.every(
            (end) =>
              end.offset === '0' || // a partition nothing was sent to
              committed!.partitions.find((p) => p.partition === end.partition)?.offset === end.offset,
          );
        },
        { what: 'every offset committed' },
      );
      // …and nothing dead-lettered (the chunk's dead letters are written before its commit).
      const letters = await admin.fetchTopicOffsets(topicName(TOPICS.deadLetter, namespace));
      expect(letters.map((p) => p.offset)).toEqual(letters.map(() => '0'));
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses settings with both or neither handler', () => {
    const publisher = new EventPublisher(kafka, logger);
    const common = { kafka, groupId: 'g', topics: [TOPICS.syncCommands], publisher, logger };
    expect(() => new EventConsumer(common)).toThrow(/exactly one/);
    expect(
      () =>
        new EventConsumer({ ...common, handler: async () => undefined, batchHandler: async () => undefined }),
    ).toThrow(/exactly one/);
  });
});
