export {
  envelopeSchema,
  integrationIdSchema,
  newEventId,
  nowIso,
  type Envelope,
  type EnvelopeContext,
} from './lib/envelope';
export {
  EVENT_CATALOGUE,
  fetchCompletedV1,
  isEventType,
  latestVersion,
  lookupEvent,
  syncRequestedV1,
  type EventType,
  type PayloadOf,
} from './lib/events';
export { HEADERS, TOPICS, type TopicName } from './lib/topics';
export {
  createEvent,
  decodeEvent,
  encodeEvent,
  InvalidEventError,
  topicOf,
  validateEvent,
} from './lib/validate';
