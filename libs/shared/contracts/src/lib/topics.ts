/**
 * Topic names. One topic per stream of related events, keyed by integration id so that one
 * integration's events stay in order and one consumer owns one integration's Hudu budget.
 * The version suffix changes only for an incompatible re-partitioning or re-keying.
 */
export const TOPICS = {
  /** Commands to the fetcher: SyncRequested. */
  syncCommands: 'cwhs.sync-commands.v1',
  /** What the fetcher read from Manage: CompanyFetched, ConfigurationFetched, ContactFetched, …Removed, FetchCompleted. */
  manageRecords: 'cwhs.manage-records.v1',
  /** Match decisions: CompanyMatched. */
  companyMatches: 'cwhs.company-matches.v1',
  /** What the importer did in Hudu: CompanyImported, ConfigImported, ContactImported, ImportBlocked, ImportFailed. */
  huduImports: 'cwhs.hudu-imports.v1',
  /** Link-back updates: LinkUpdated. */
  links: 'cwhs.links.v1',
  /** Anything a consumer could not process, with the reason in headers. */
  deadLetter: 'cwhs.dead-letter.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** Kafka headers every message carries (values are strings). */
export const HEADERS = {
  eventType: 'cwhs-event-type',
  eventId: 'cwhs-event-id',
  schemaVersion: 'cwhs-schema-version',
  integrationId: 'cwhs-integration-id',
  /** Dead-letter headers. */
  dlqReason: 'cwhs-dlq-reason',
  dlqOriginalTopic: 'cwhs-dlq-original-topic',
  dlqOriginalPartition: 'cwhs-dlq-original-partition',
  dlqOriginalOffset: 'cwhs-dlq-original-offset',
  dlqConsumerGroup: 'cwhs-dlq-consumer-group',
  dlqAttempts: 'cwhs-dlq-attempts',
  dlqFailedAt: 'cwhs-dlq-failed-at',
} as const;
