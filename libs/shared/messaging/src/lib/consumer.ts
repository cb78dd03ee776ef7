import type { Consumer, EachMessagePayload, IHeaders, Kafka } from 'kafkajs';
import { context as otelContext } from '@opentelemetry/api';
import { type Envelope, decodeEvent, InvalidEventError } from '@cw-hudu-sync/contracts';
import type { Logger } from '@cw-hudu-sync/logging';
import { backoffDelay, type BackoffSettings } from '@cw-hudu-sync/retry';
import { PermanentFailure, reasonOf, RetryLater } from './failures';
import type { EventPublisher } from './publisher';
import { PRODUCT_PARTITION_ASSIGNERS } from './co-partitioned-assigner';
import { topicName } from './topology';
import { withProcessSpan } from './tracing';
import { messagingMetrics, type MessagingMetrics } from './metrics';
import type { Registry } from 'prom-client';
import { BatchEventConsumer, type BatchEventHandler, HEARTBEAT_EVERY_MS, HeldBack } from './batch-consumer';

export type { BatchContext, BatchEventHandler, BatchItem } from './batch-consumer';

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  headers: IHeaders;
  /** 1 on first delivery to the handler in this process; grows with each in-process retry. */
  attempt: number;
  logger: Logger;
  /** Tells the group this member is alive; long handlers (a whole sync) call it now and then. */
  heartbeat: () => Promise<void>;
}

export type EventHandler = (event: Envelope, context: MessageContext) => Promise<void>;

export interface EventConsumerSettings {
  kafka: Kafka;
  groupId: string;
  /** Base topic names (from TOPICS); the namespace, if any, is added here. */
  topics: string[];
  namespace?: string;
  /** One message at a time (give this or `batchHandler`). */
  handler?: EventHandler;
  /**
   * Batch mode: the handler gets up to `maxBatchSize` messages of one partition at once and reports a
   * failure per message (see BatchEventConsumer; same retry/dead-letter/commit semantics per message).
   */
  batchHandler?: BatchEventHandler;
  /** Batch mode: largest number of messages per handler call (default 500). */
  maxBatchSize?: number;
  /** Batch mode: bytes fetched per partition and request (default 1 MiB). */
  maxBytesPerPartition?: number;
  /** Where unprocessable messages go; also used to know the dead-letter topic. */
  publisher: EventPublisher;
  logger: Logger;
  /** Attempts before a transient failure is dead-lettered. */
  maxAttempts?: number;
  backoff?: BackoffSettings;
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  /** Where to count messages handled, retried and dead-lettered (the service's /metrics registry). */
  metrics?: Registry;
  /**
   * Partitions handled at the same time (default 3). Order holds within a partition, and every event of
   * one integration is on one partition, so integrations proceed side by side without reordering.
   */
  partitionsConsumedConcurrently?: number;
}

/**
 * At-least-once event consumer:
 * - each message is decoded and validated; an invalid one goes to the dead-letter topic with the reason;
 * - the handler runs; on success the offset is committed (manual commits only, never before success);
 * - a transient failure is retried in place with backoff (honouring RetryLater hints), keeping order;
 *   after `maxAttempts`, or at once for a PermanentFailure, the message is dead-lettered and committed;
 * - a crash at any point leaves the offset uncommitted, so the message is delivered again: handlers
 *   must be idempotent;
 * - stop() lets the message in hand finish and commit (while the consumer still runs: KafkaJS ignores
 *   commits once stopping), abandons pending retry waits without committing, then leaves the group.
 *   Nothing is lost; at worst the message in retry is delivered again.
 */
export class EventConsumer {
  /** Batch mode: what a batch handler answers for a message held back behind a failed one (see HeldBack). */
  static readonly HeldBack = HeldBack;
  private readonly consumer: Consumer;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffSettings;
  private stopping = false;
  private joined = false;
  private crashed: string | undefined;
  private readonly wakeUps = new Set<() => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly groupId: string;
  private readonly metrics: MessagingMetrics | undefined;
  /** Batch mode: the batch consumer this one delegates to. */
  private readonly batch: BatchEventConsumer | undefined;

  constructor(private readonly settings: EventConsumerSettings) {
    if (Boolean(settings.handler) === Boolean(settings.batchHandler)) {
      throw new Error('an EventConsumer needs exactly one of handler and batchHandler');
    }
    if (settings.batchHandler) {
      const { handler: _single, batchHandler, ...common } = settings;
      this.batch = new BatchEventConsumer({ ...common, handler: batchHandler });
    }
    this.maxAttempts = settings.maxAttempts ?? 5;
    this.backoff = settings.backoff ?? { initialMs: 250, maxMs: 30_000 };
    this.metrics = settings.metrics ? messagingMetrics(settings.metrics) : undefined;
    // The group is namespaced like the topics: environments sharing a cluster never share a group.
    this.groupId = topicName(settings.groupId, settings.namespace);
    this.consumer = settings.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: settings.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: HEARTBEAT_EVERY_MS,
      allowAutoTopicCreation: false,
      retry: { retries: 10 },
      partitionAssigners: PRODUCT_PARTITION_ASSIGNERS,
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

  /** True once the consumer has joined its group and has not crashed or stopped since. */
  isHealthy(): boolean {
    if (this.batch) return this.batch.isHealthy();
    return this.joined && !this.crashed && !this.stopping;
  }

  healthDetail(): string {
    if (this.batch) return this.batch.healthDetail();
    if (this.stopping) return 'stopping';
    if (this.crashed) return `crashed: ${this.crashed}`;
    return this.joined ? 'joined' : 'not joined';
  }

  async start(): Promise<void> {
    if (this.batch) return this.batch.start();
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.settings.topics.map((t) => topicName(t, this.settings.namespace)),
      fromBeginning: this.settings.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently ?? 3,
      eachMessage: (payload) => {
        const work = this.process(payload);
        const settled = work.catch(() => undefined).finally(() => this.inFlight.delete(settled));
        this.inFlight.add(settled);
        return work;
      },
    });
  }

  async stop(): Promise<void> {
    if (this.batch) return this.batch.stop();
    this.stopping = true;
    for (const wake of this.wakeUps) wake();
    await Promise.all(this.inFlight);
    await this.consumer.disconnect();
  }

  private async process({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    // Stopping: leave this message uncommitted; the next member of the group gets it.
    if (this.stopping) return;
    const base = { topic, partition, offset: message.offset };
    const logger = this.settings.logger.child(base);
    let event: Envelope;
    try {
      event = decodeEvent(message.value);
    } catch (error) {
      const reason = error instanceof InvalidEventError ? error.message : reasonOf(error);
      this.count(topic, 'invalid');
      await this.deadLetter({ topic, partition, message }, reason, 0);
      await this.commit(topic, partition, message.offset);
      return;
    }

    const headers = message.headers ?? {};
    for (let attempt = 1; ; attempt++) {
      if (this.stopping && attempt > 1) return; // uncommitted: delivered again after restart
      const timer = this.metrics?.handlerSeconds.startTimer({ topic, group: this.groupId });
      // A long handler (a whole sync) keeps its membership however slow each step is: a member silent
      // for the session timeout is dropped and its message handed to another.
      const beat = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
      try {
        await withProcessSpan(event, topic, headers, (span) => {
          span.setAttribute('cwhs.attempt', attempt);
          const handler = this.settings.handler;
          if (!handler) throw new PermanentFailure('no handler');
          return handler(event, { ...base, headers, attempt, logger, heartbeat });
        }).finally(() => clearInterval(beat));
        timer?.();
        this.count(topic, 'ok');
        await this.commit(topic, partition, message.offset);
        return;
      } catch (error) {
        timer?.();
        const permanent = error instanceof PermanentFailure || error instanceof InvalidEventError;
        if (permanent || attempt >= this.maxAttempts) {
          const reason = `${permanent ? 'rejected' : `failed after ${attempt} attempts`}: ${reasonOf(error)}`;
          this.count(topic, 'dead_lettered');
          await this.deadLetter({ topic, partition, message }, reason, attempt);
          await this.commit(topic, partition, message.offset);
          return;
        }
        this.count(topic, 'retried');
        const hint = error instanceof RetryLater ? error.retryAfterMs : undefined;
        const delay = backoffDelay(attempt, this.backoff, hint);
        logger.warn(
          { err: error, attempt, delayMs: delay, eventId: event.eventId },
          'handler failed; retrying',
        );
        await this.sleep(delay, heartbeat);
      }
    }
  }

  private count(topic: string, outcome: 'ok' | 'retried' | 'dead_lettered' | 'invalid') {
    this.metrics?.handled.inc({ topic, group: this.groupId, outcome });
  }

  private async deadLetter(
    { topic, partition, message }: Pick<EachMessagePayload, 'topic' | 'partition' | 'message'>,
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

  /** Waits, heart-beating so the group does not evict us, and wakes early when stopping. */
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
 * Batch mode for a handler written for one message at a time: the items of a chunk are handled one after
 * the other in offset order, each in its own trace; behind a transient failure the rest of that
 * integration's items are held back (EventConsumer.HeldBack) so its events keep their order on retry, while
 * other integrations go on. What it buys over single-message mode: one commit per chunk instead of one per
 * message (the link service sees a ConfigImported per record and acts on CompanyImported only).
 */
export function oneByOne(handler: EventHandler): BatchEventHandler {
  return async (items, context) => {
    const results: unknown[] = [];
    const failed = new Map<string, unknown>();
    for (const item of items) {
      const earlier = failed.get(item.event.integrationId);
      if (earlier !== undefined) {
        results.push(new HeldBack(earlier));
        continue;
      }
      try {
        await otelContext.with(item.trace, () =>
          handler(item.event, {
            topic: item.topic,
            partition: item.partition,
            offset: item.offset,
            headers: item.headers,
            attempt: item.attempt,
            logger: context.logger,
            heartbeat: context.heartbeat,
          }),
        );
        results.push(undefined);
      } catch (error) {
        if (!(error instanceof PermanentFailure)) failed.set(item.event.integrationId, error);
        results.push(error);
      }
    }
    return results;
  };
}
