import type { Kafka, Producer, IHeaders } from 'kafkajs';
import { type Envelope, encodeEvent, HEADERS, TOPICS, topicOf, validateEvent } from '@cw-hudu-sync/contracts';
import { topicName } from './topology';
import { endSpans, startPublishSpan } from './tracing';
import { context as otelContext, type Context, type Span } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { messagingMetrics, type MessagingMetrics } from './metrics';
import type { Logger } from '@cw-hudu-sync/logging';

/** Half of Kafka's default `message.max.bytes` (1 MiB): room for record overhead and compression off. */
export const MAX_REQUEST_BYTES = 512 * 1024;

/** Bytes one message adds to a record batch: value, key, headers, and a generous per-record overhead. */
export function messageSize(message: { key: string; value: Buffer; headers: IHeaders }): number {
  let size = 64 + message.value.length + Buffer.byteLength(message.key);
  for (const [name, value] of Object.entries(message.headers))
    size += 8 + Buffer.byteLength(name) + Buffer.byteLength(String(value ?? ''));
  return size;
}

/**
 * Cuts `items` into consecutive chunks of at most `maxBytes` (by `sizeOf`), keeping their order. An item
 * larger than `maxBytes` travels alone (the broker then decides; nothing is dropped here).
 */
export function chunkBySize<T>(items: readonly T[], sizeOf: (item: T) => number, maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export interface DeadLetter {
  /** The original message bytes, kept as they were so the message can be replayed. */
  value: Buffer | null;
  key: Buffer | string | null;
  headers: IHeaders;
  reason: string;
  topic: string;
  partition: number;
  offset: string;
  consumerGroup: string;
  attempts: number;
}

/**
 * Publishes validated events. Every send waits for all in-sync replicas (acks = -1). Events are keyed
 * by integration id, so one integration's events keep their order within a topic.
 */
export class EventPublisher {
  private readonly producer: Producer;
  private connected = false;

  private readonly namespace: string | undefined;
  private readonly metrics: MessagingMetrics | undefined;
  private readonly maxRequestBytes: number;

  /**
   * @param options.namespace prefixes every topic name (`<namespace>.<topic>`), so several environments
   *   (or test runs) can share one cluster without seeing each other's events.
   * @param options.maxRequestBytes the most event bytes one produce request carries (default 512 KiB, half
   *   of Kafka's default message.max.bytes); larger publishes are sent as several requests in order.
   */
  constructor(
    kafka: Kafka,
    private readonly logger: Logger,
    options: { namespace?: string; metrics?: Registry; maxRequestBytes?: number } = {},
  ) {
    this.namespace = options.namespace;
    this.maxRequestBytes = options.maxRequestBytes ?? MAX_REQUEST_BYTES;
    this.metrics = options.metrics ? messagingMetrics(options.metrics) : undefined;
    // One request in flight per broker keeps per-key order even when KafkaJS retries a send.
    this.producer = kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
    this.producer.on(this.producer.events.CONNECT, () => (this.connected = true));
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
    this.connected = false;
  }

  isConnected(): boolean {
    return this.connected;
  }

  /**
   * Validates each event against its contract, then sends them in one batch per call.
   * @param options.parentOf the trace context each event's PRODUCER span descends from (default: the
   *   active one). A batch handler publishing the results of many messages at once passes the context of
   *   the message each event came from, so every record keeps its own trace.
   */
  async publish(
    events: Envelope | Envelope[],
    options: { parentOf?: (event: Envelope) => Context | undefined } = {},
  ): Promise<void> {
    const list = Array.isArray(events) ? events : [events];
    if (list.length === 0) return;
    const byTopic = new Map<string, { key: string; value: Buffer; headers: IHeaders }[]>();
    const validated = list.map((candidate) => validateEvent(candidate));
    const spans: Span[] = [];
    for (const event of validated) {
      const topic = topicName(topicOf(event), this.namespace);
      const headers: IHeaders = {
        [HEADERS.eventType]: event.type,
        [HEADERS.eventId]: event.eventId,
        [HEADERS.schemaVersion]: String(event.schemaVersion),
        [HEADERS.integrationId]: event.integrationId,
      };
      const parent = options.parentOf?.(event);
      spans.push(
        parent
          ? otelContext.with(parent, () => startPublishSpan(event, topic, headers))
          : startPublishSpan(event, topic, headers),
      );
      const messages = byTopic.get(topic) ?? [];
      messages.push({ key: event.integrationId, value: encodeEvent(event), headers });
      byTopic.set(topic, messages);
    }
    try {
      // In requests the broker accepts (its message.max.bytes caps a partition's record batch, 1 MiB by
      // default; one integration's events share a partition). Requests go one after the other, so each
      // key's order holds; a failure part-way leaves a prefix published, which at-least-once allows.
      for (const request of chunkBySize(
        [...byTopic].flatMap(([topic, messages]) => messages.map((message) => ({ topic, message }))),
        (m) => messageSize(m.message),
        this.maxRequestBytes,
      )) {
        const topicMessages = new Map<string, { key: string; value: Buffer; headers: IHeaders }[]>();
        for (const { topic, message } of request)
          (topicMessages.get(topic) ?? topicMessages.set(topic, []).get(topic)!).push(message);
        await this.producer.sendBatch({
          acks: -1,
          topicMessages: [...topicMessages].map(([topic, messages]) => ({ topic, messages })),
        });
      }
      endSpans(spans);
      for (const [topic, messages] of byTopic) this.metrics?.published.inc({ topic }, messages.length);
    } catch (error) {
      endSpans(spans, error);
      throw error;
    }
  }

  /** Sends an unprocessable message to the dead-letter topic with the reason and its origin in headers. */
  async deadLetter(letter: DeadLetter): Promise<void> {
    await this.producer.send({
      topic: topicName(TOPICS.deadLetter, this.namespace),
      acks: -1,
      messages: [
        {
          key: letter.key,
          value: letter.value,
          headers: {
            ...letter.headers,
            [HEADERS.dlqReason]: letter.reason,
            [HEADERS.dlqOriginalTopic]: letter.topic,
            [HEADERS.dlqOriginalPartition]: String(letter.partition),
            [HEADERS.dlqOriginalOffset]: letter.offset,
            [HEADERS.dlqConsumerGroup]: letter.consumerGroup,
            [HEADERS.dlqAttempts]: String(letter.attempts),
            [HEADERS.dlqFailedAt]: new Date().toISOString(),
          },
        },
      ],
    });
    this.logger.warn(
      { topic: letter.topic, partition: letter.partition, offset: letter.offset, reason: letter.reason },
      'message dead-lettered',
    );
  }
}
