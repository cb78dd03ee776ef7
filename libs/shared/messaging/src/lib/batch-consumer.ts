import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { context as otelContext, type Context } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { type Envelope, decodeEvent, InvalidEventError } from '@cw-hudu-sync/contracts';
import type { Logger } from '@cw-hudu-sync/logging';
import { backoffDelay, type BackoffSettings } from '@cw-hudu-sync/retry';
import { PermanentFailure, reasonOf, RetryLater } from './failures';
import { messagingMetrics, type MessagingMetrics } from './metrics';
import type { EventPublisher } from './publisher';
import { PRODUCT_PARTITION_ASSIGNERS } from './co-partitioned-assigner';
import { topicName } from './topology';
import { withProcessSpan } from './tracing';

/**
 * A handler's answer for a message it did not attempt because an earlier message of the same key failed
 * transiently (order must hold): given to the handler again with the failed one, without using up one of
 * its own attempts. A call where nothing but held-back messages failed counts as a failed attempt.
 */
export class HeldBack extends Error {
  constructor(cause: unknown) {
    super(`held back behind an earlier message that failed: ${reasonOf(cause)}`, { cause });
    this.name = 'HeldBack';
  }
}

/** One valid message of a batch, as the handler sees it. */
export interface BatchItem {
  event: Envelope;
  topic: string;
  partition: number;
  offset: string;
  headers: IHeaders;
  /** 1 on first delivery to the handler in this process; grows with each in-process retry. */
  attempt: number;
  /**
   * The trace context of this message's CONSUMER span (its parent is the producer span in the headers).
   * Run per-message work in it (`context.with(item.trace, …)`) and publish resulting events under it
   * (`publisher.publish(events, { parentOf })`) so each record keeps one trace through the services.
   */
  trace: Context;
}

export interface BatchContext {
  topic: string;
  partition: number;
  /** 1 for the first call on these messages, then once more per in-process retry of the failed ones. */
  attempt: number;
  logger: Logger;
  /** Tells the group this member is alive (the consumer also beats every few seconds during a call). */
  heartbeat: () => Promise<void>;
}

/**
 * Handles a batch of messages of one partition, in offset order. Returns, for each item (same order and
 * length), `undefined` when it was handled or the error it failed with (PermanentFailure → dead-letter
 * now; RetryLater/any other error → retried in place, then dead-lettered). Throwing fails every item.
 * Handlers must be idempotent: a crash before the commit delivers the whole batch again.
 */
export type BatchEventHandler = (
  items: readonly BatchItem[],
  context: BatchContext,
) => Promise<ReadonlyArray<unknown> | void>;

export interface BatchEventConsumerSettings {
  kafka: Kafka;
  groupId: string;
  /** Base topic names (from TOPICS); the namespace, if any, is added here. */
  topics: string[];
  namespace?: string;
  handler: BatchEventHandler;
  publisher: EventPublisher;
  logger: Logger;
  /** Attempts before a transient failure is dead-lettered. */
  maxAttempts?: number;
  backoff?: BackoffSettings;
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  metrics?: Registry;
  /** Partitions handled at the same time (default 3). */
  partitionsConsumedConcurrently?: number;
  /** Largest number of messages given to one handler call (a fetched batch is cut into chunks; default 500). */
  maxBatchSize?: number;
  /** Bytes fetched per partition and request (KafkaJS maxBytesPerPartition; default 1 MiB). */
  maxBytesPerPartition?: number;
}

export const HEARTBEAT_EVERY_MS = 3_000;

type Slot =
  | { state: 'pending'; item: BatchItem; message: KafkaMessage }
  | { state: 'done' }
  | { state: 'invalid'; message: KafkaMessage; reason: string };

/**
 * At-least-once batch consumer (KafkaJS eachBatch), the batch counterpart of EventConsumer with the same
 * semantics per message:
 * - each message is decoded and validated on its own; an invalid one is dead-lettered with the reason and
 *   does not hold up the others;
 * - the handler gets the valid messages of a chunk (≤ maxBatchSize, offset order, one partition) and says
 *   per message whether it failed; a PermanentFailure is dead-lettered at once, other failures are given
 *   to the handler again (only the failed ones, with backoff honouring RetryLater) until `maxAttempts`,
 *   then dead-lettered;
 * - the offset after the chunk is committed only once every message of it is handled or dead-lettered
 *   (manual commits, never before success); a crash before that delivers the chunk again;
 * - the group is heart-beaten during long calls and retry waits;
 * - stop() lets the call in hand finish and commit, abandons retry waits (committing only the handled
 *   prefix), then leaves the group. Nothing is lost; at worst some messages are delivered again.
 */
export class BatchEventConsumer {
  private readonly consumer: Consumer;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffSettings;
  private readonly maxBatchSize: number;
  private stopping = false;
  private joined = false;
  private crashed: string | undefined;
  private readonly wakeUps = new Set<() => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly groupId: string;
  private readonly metrics: MessagingMetrics | undefined;

  constructor(private readonly settings: BatchEventConsumerSettings) {
    this.maxAttempts = settings.maxAttempts ?? 5;
    this.backoff = settings.backoff ?? { initialMs: 250, maxMs: 30_000 };
    this.maxBatchSize = Math.max(1, settings.maxBatchSize ?? 500);
    this.metrics = settings.metrics ? messagingMetrics(settings.metrics) : undefined;
    this.groupId = topicName(settings.groupId, settings.namespace);
    this.consumer = settings.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: settings.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: HEARTBEAT_EVERY_MS,
      allowAutoTopicCreation: false,
      retry: { retries: 10 },
      partitionAssigners: PRODUCT_PARTITION_ASSIGNERS,
      ...(settings.maxBytesPerPartition ? { maxBytesPerPartition: settings.maxBytesPerPartition } : {}),
    });
    const { events } = this.consumer;
    this.consumer.on(events.GROUP_JOIN, () => {
      this.joined = true;
      this.crashed = undefined;
    });
    this.consumer.on(events.STOP, () => (this.joined = false));
    this.consumer.on(events.DISCONNECT, () => (this.joined = false));
    this.consumer.on(events.CRASH, (e) => {
      this.joined = false;
      this.crashed = reasonOf(e.payload.error);
      settings.logger.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
    });
  }

  isHealthy(): boolean {
    return this.joined && !this.crashed && !this.stopping;
  }

  healthDetail(): string {
    if (this.stopping) return 'stopping';
    if (this.crashed) return `crashed: ${this.crashed}`;
    return this.joined ? 'joined' : 'not joined';
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.settings.topics.map((t) => topicName(t, this.settings.namespace)),
      fromBeginning: this.settings.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => {
        const work = this.processBatch(payload);
        const settled = work.catch(() => undefined).finally(() => this.inFlight.delete(settled));
        this.inFlight.add(settled);
        return work;
      },
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.wakeUps) wake();
    await Promise.all(this.inFlight);
    await this.consumer.disconnect();
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    const messages = batch.messages;
    for (let start = 0; start < messages.length; start += this.maxBatchSize) {
      if (this.stopping || !isRunning() || isStale()) return;
      const chunk = messages.slice(start, start + this.maxBatchSize);
      const handledAll = await this.processChunk(
        batch.topic,
        batch.partition,
        chunk,
        heartbeat,
        resolveOffset,
      );
      if (!handledAll) return; // stopping mid-retry: the rest is delivered again
    }
  }

  /** Handles one chunk; true when every message of it was handled or dead-lettered (and committed). */
  private async processChunk(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    heartbeat: () => Promise<void>,
    resolveOffset: (offset: string) => void,
  ): Promise<boolean> {
    const logger = this.settings.logger.child({ topic, partition });
    const slots: Slot[] = messages.map((message) => {
      try {
        const event = decodeEvent(message.value);
        const item: BatchItem = {
          event,
          topic,
          partition,
          offset: message.offset,
          headers: message.headers ?? {},
          attempt: 1,
          trace: otelContext.active(),
        };
        return { state: 'pending', item, message };
      } catch (error) {
        const reason = error instanceof InvalidEventError ? error.message : reasonOf(error);
        return { state: 'invalid', message, reason };
      }
    });
    for (const [index, slot] of slots.entries()) {
      if (slot.state !== 'invalid') continue;
      this.count(topic, 'invalid');
      await this.deadLetter(topic, partition, slot.message, slot.reason, 0);
      slots[index] = { state: 'done' };
    }

    for (let attempt = 1; ; attempt++) {
      const pending = slots
        .map((slot, index) => ({ slot, index }))
        .filter(
          (s): s is { slot: Extract<Slot, { state: 'pending' }>; index: number } =>
            s.slot.state === 'pending',
        );
      if (pending.length === 0) break;
      if (this.stopping && attempt > 1) break; // uncommitted: delivered again after restart
      const failures = await this.callHandler(
        pending.map((p) => p.slot.item),
        { topic, partition, attempt, logger, heartbeat },
      );
      let retryHint: number | undefined;
      let retried = 0;
      const realFailures = failures.filter((f) => f !== undefined && !(f instanceof HeldBack)).length;
      for (const [n, { slot, index }] of pending.entries()) {
        const error = failures[n];
        if (error instanceof HeldBack && realFailures > 0) continue; // same attempt, next call
        if (error === undefined) {
          this.count(topic, 'ok');
          slots[index] = { state: 'done' };
          continue;
        }
        const permanent = error instanceof PermanentFailure || error instanceof InvalidEventError;
        const tries = slot.item.attempt;
        if (permanent || tries >= this.maxAttempts) {
          const reason = `${permanent ? 'rejected' : `failed after ${tries} attempts`}: ${reasonOf(error)}`;
          this.count(topic, 'dead_lettered');
          await this.deadLetter(topic, partition, slot.message, reason, tries);
          slots[index] = { state: 'done' };
          continue;
        }
        this.count(topic, 'retried');
        retried += 1;
        slot.item = { ...slot.item, attempt: tries + 1 };
        if (error instanceof RetryLater) retryHint = Math.max(retryHint ?? 0, error.retryAfterMs);
        if (retried === 1)
          logger.warn(
            { err: error, attempt, eventId: slot.item.event.eventId, offset: slot.item.offset },
            'handler failed; retrying',
          );
      }
      if (retried === 0) continue; // only held-back ones left: at once
      const delay = backoffDelay(attempt, this.backoff, retryHint);
      logger.warn({ attempt, retried, delayMs: delay }, 'messages of the batch failed; retrying them');
      await this.sleep(delay, heartbeat);
    }

    // Commit the handled prefix: everything before the first message still pending.
    const firstPending = slots.findIndex((s) => s.state === 'pending');
    const handled = firstPending === -1 ? messages.length : firstPending;
    const last = messages[handled - 1];
    if (last) {
      // Resolved: KafkaJS fetches on from here (unresolved messages are fetched again); then committed.
      resolveOffset(last.offset);
      await this.commit(topic, partition, last.offset);
    }
    return firstPending === -1;
  }

  /** One handler call with one CONSUMER span per message; returns the failure (or undefined) per item. */
  private async callHandler(items: BatchItem[], context: BatchContext): Promise<unknown[]> {
    const spans = items.map((item) => openSpan(item));
    const traced = items.map((item, i) => ({ ...item, trace: spans[i]?.trace ?? item.trace }));
    const timer = this.metrics?.handlerSeconds.startTimer({ topic: context.topic, group: this.groupId });
    const beat = setInterval(() => void context.heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
    let failures: unknown[];
    try {
      const result = await this.settings.handler(traced, context);
      failures = items.map((_, i) => (result ? result[i] : undefined));
    } catch (error) {
      failures = items.map(() => error);
    } finally {
      clearInterval(beat);
      timer?.();
    }
    spans.forEach((span, i) => span.end(failures[i]));
    return failures;
  }

  private count(topic: string, outcome: 'ok' | 'retried' | 'dead_lettered' | 'invalid') {
    this.metrics?.handled.inc({ topic, group: this.groupId, outcome });
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: string,
    attempts: number,
  ) {
    this.metrics?.deadLettered.inc({ topic, group: this.groupId });
    await this.settings.publisher.deadLetter({
      value: message.value,
      key: message.key,
      headers: message.headers ?? {},
      reason,
      topic,
      partition,
      offset: message.offset,
      consumerGroup: this.groupId,
      attempts,
    });
  }

  private async commit(topic: string, partition: number, offset: string): Promise<void> {
    await this.consumer.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
  }

  private async sleep(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(1_000, until - Date.now()));
        const wake = () => done();
        this.wakeUps.add(wake);
        function done() {
          clearTimeout(timer);
          resolve();
        }
      }).finally(() => this.wakeUps.clear());
      await heartbeat().catch(() => undefined);
    }
  }
}

/**
 * Opens the message's CONSUMER span (through tracing.ts's withProcessSpan, so attributes and parentage are
 * the same as for single messages) and keeps it open until `end` is called with the message's outcome.
 */
function openSpan(item: BatchItem): { trace: Context; end: (error?: unknown) => void } {
  let trace = item.trace;
  let finish: (error?: unknown) => void = () => undefined;
  const outcome = new Promise<void>((resolve, reject) => {
    finish = (error) => (error === undefined ? resolve() : reject(error));
  });
  void withProcessSpan(item.event, item.topic, item.headers, (span) => {
    span.setAttribute('cwhs.attempt', item.attempt);
    trace = otelContext.active();
    return outcome;
  }).catch(() => undefined);
  return { trace, end: (error) => finish(error) };
}
