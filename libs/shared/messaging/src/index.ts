export {
  EventConsumer,
  type EventConsumerSettings,
  type EventHandler,
  type MessageContext,
  oneByOne,
} from './lib/consumer';
export { backoffDelay, PermanentFailure, reasonOf, RetryLater, type BackoffSettings } from './lib/failures';
export {
  createKafka,
  createKafkaProbe,
  ensureTopics,
  withTimeout,
  type KafkaSettings,
  type TopicSpec,
} from './lib/kafka';
export { EventPublisher, type DeadLetter } from './lib/publisher';
export { productTopics, topicName } from './lib/topology';
export { messagingMetrics, type MessagingMetrics } from './lib/metrics';
export { KeyedQueue } from './lib/keyed-queue';
export {
  ConsumerLagMonitor,
  groupLag,
  lagMetrics,
  type LagMetrics,
  type LagMonitorSettings,
  type OffsetSource,
  type PartitionLag,
} from './lib/lag';
export {
  activeTraceHeaders,
  eventAttributes,
  JOURNEY_STARTS,
  messageContext,
  recordKindOf,
  withProcessSpan,
} from './lib/tracing';
