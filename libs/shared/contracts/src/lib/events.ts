import { z } from 'zod';
import { TOPICS, type TopicName } from './topics';

/**
 * The event catalogue: for each event type and schema version, its topic and payload schema.
 * Payload schemas are strict about what the consumer relies on and tolerant of extra fields
 * (`z.looseObject`) so that additive changes need no new version.
 */

const manageId = z.number().int().positive();
const contentHash = z.string().regex(/^[a-f0-9]{16,128}$/, 'content hash must be lowercase hex');

export const syncRequestedV1 = z.looseObject({
  mode: z.enum(['full', 'incremental']),
  /** Re-emit every record even if its content hash is unchanged. */
  force: z.boolean().default(false),
  requestedBy: z.string().min(1).max(200),
});

/** A Manage record as fetched: its id, the hash of its synced content and the record itself. */
const fetchedRecord = z.looseObject({
  manageId,
  contentHash,
  record: z.record(z.string(), z.unknown()),
});

const removedRecord = z.looseObject({
  manageId,
  reason: z.enum(['deleted', 'missing']),
});

export const fetchCompletedV1 = z.looseObject({
  mode: z.enum(['full', 'incremental']),
  counts: z.record(z.string(), z.number().int().nonnegative()),
  configurationTypes: z
    .array(z.looseObject({ id: manageId, name: z.string(), count: z.number().int().nonnegative() }))
    .default([]),
});

export const EVENT_CATALOGUE = {
  SyncRequested: { 1: { topic: TOPICS.syncCommands, payload: syncRequestedV1 } },
  CompanyFetched: { 1: { topic: TOPICS.manageRecords, payload: fetchedRecord } },
  ConfigurationFetched: { 1: { topic: TOPICS.manageRecords, payload: fetchedRecord } },
  ContactFetched: { 1: { topic: TOPICS.manageRecords, payload: fetchedRecord } },
  CompanyRemoved: { 1: { topic: TOPICS.manageRecords, payload: removedRecord } },
  ConfigurationRemoved: { 1: { topic: TOPICS.manageRecords, payload: removedRecord } },
  ContactRemoved: { 1: { topic: TOPICS.manageRecords, payload: removedRecord } },
  FetchCompleted: { 1: { topic: TOPICS.manageRecords, payload: fetchCompletedV1 } },
} as const satisfies Record<string, Record<number, { topic: TopicName; payload: z.ZodType }>>;

export type EventType = keyof typeof EVENT_CATALOGUE;
type Versions<T extends EventType> = (typeof EVENT_CATALOGUE)[T];
export type LatestVersion<T extends EventType> = keyof Versions<T> & number;
export type PayloadOf<T extends EventType, V extends keyof Versions<T> = LatestVersion<T>> = z.input<
  Versions<T>[V] extends { payload: infer S extends z.ZodType } ? S : never
>;

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, type);
}

export function latestVersion(type: EventType): number {
  return Math.max(...Object.keys(EVENT_CATALOGUE[type]).map(Number));
}

export function lookupEvent(
  type: string,
  version: number,
): { topic: TopicName; payload: z.ZodType } | undefined {
  if (!isEventType(type)) return undefined;
  const versions = EVENT_CATALOGUE[type] as Record<number, { topic: TopicName; payload: z.ZodType }>;
  return versions[version];
}
