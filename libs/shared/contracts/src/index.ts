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
  companyFetchedV1,
  companyImportedV1,
  companyMatchedV1,
  configurationFetchedV1,
  contactFetchedV1,
  fetchCompletedV1,
  importBlockedV1,
  importFailedV1,
  linkUpdatedV1,
  matchDecisionSchema,
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
export {
  manageCompanySchema,
  manageConfigurationSchema,
  manageContactSchema,
  manageIdSchema,
  recordKindSchema,
  type ManageCompany,
  type ManageConfiguration,
  type ManageContact,
  type RecordKind,
} from './lib/records';
