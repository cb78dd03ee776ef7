import { z } from 'zod';
import {
  manageCompanySchema,
  manageConfigurationSchema,
  manageContactSchema,
  manageIdSchema,
  recordKindSchema,
} from './records';
import { TOPICS, type TopicName } from './topics';

/**
 * The event catalogue: for each event type and schema version, its topic and payload schema.
 * Payload schemas are strict about what the consumer relies on and tolerant of extra fields
 * (`z.looseObject`) so that additive changes need no new version.
 */

const manageId = manageIdSchema;
const contentHash = z.string().regex(/^[a-f0-9]{16,128}$/, 'content hash must be lowercase hex');
const huduId = z.number().int().positive();

export const syncRequestedV1 = z.looseObject({
  mode: z.enum(['full', 'incremental']),
  /** Re-emit every record even if its content hash is unchanged. */
  force: z.boolean().default(false),
  requestedBy: z.string().min(1).max(200),
  /** Present on commands of the continuous-sync scheduler: which slot of which kind this is. */
  schedule: z
    .looseObject({
      kind: z.enum(['poll', 'reconcile']),
      slotId: z.string().min(1).max(300),
      /** ISO time the slot fell due. */
      slotAt: z.iso.datetime(),
    })
    .optional(),
});

export const companyFetchedV1 = z.looseObject({ manageId, contentHash, company: manageCompanySchema });
export const configurationFetchedV1 = z.looseObject({
  manageId,
  companyManageId: manageId,
  contentHash,
  configuration: manageConfigurationSchema,
});
export const contactFetchedV1 = z.looseObject({
  manageId,
  companyManageId: manageId,
  contentHash,
  contact: manageContactSchema,
});

/** A record that disappeared from Manage (missing on a full sync) or was soft-deleted there. */
const recordRemovedV1 = z.looseObject({
  manageId,
  companyManageId: manageId.optional(),
  reason: z.enum(['deleted', 'missing']),
});

export const fetchCompletedV1 = z.looseObject({
  mode: z.enum(['full', 'incremental']),
  counts: z.record(z.string(), z.number().int().nonnegative()),
  configurationTypes: z
    .array(z.looseObject({ id: manageId, name: z.string().max(200), count: z.number().int().nonnegative() }))
    .default([]),
});

export const matchDecisionSchema = z.enum(['link', 'create', 'ignore']);

/** A decided match: link to an existing Hudu company, create one, or leave the company out of Hudu. */
export const companyMatchedV1 = z
  .looseObject({
    manageCompanyId: manageId,
    decision: matchDecisionSchema,
    huduCompanyId: huduId.optional(),
    company: manageCompanySchema,
    contentHash,
    /** `policy:auto-exact`, `policy:auto-create` or `admin:<who>`. */
    decidedBy: z.string().min(1).max(200),
    reasons: z.array(z.string().max(200)).max(20).default([]),
  })
  .refine((p) => p.decision !== 'link' || p.huduCompanyId !== undefined, {
    message: 'a link decision names the Hudu company',
    path: ['huduCompanyId'],
  });

const importOutcome = z.enum(['created', 'updated', 'unchanged', 'archived', 'unarchived', 'skipped']);

export const companyImportedV1 = z.looseObject({
  manageCompanyId: manageId,
  /** The Manage company identifier, for jumps by `integration_identifier`. */
  manageIdentifier: z.string().max(100).optional(),
  huduCompanyId: huduId,
  huduCompanyName: z.string().max(300),
  /** The company's page in Hudu (absolute URL), where a jump lands. */
  huduUrl: z.url().max(2_000),
  outcome: importOutcome,
});

const assetImported = z.looseObject({
  manageId,
  companyManageId: manageId,
  huduAssetId: huduId.optional(),
  outcome: importOutcome,
  /** Calls this record cost in Hudu (0 when unchanged). */
  huduWrites: z.number().int().nonnegative().default(0),
});

export const importBlockedV1 = z.looseObject({
  kind: z.enum(['configuration', 'contact']),
  /** The layout as configured (name or id) that is missing or inactive. */
  layout: z.string().max(300),
  reason: z.string().max(1_000),
});

export const importFailedV1 = z.looseObject({
  kind: recordKindSchema,
  manageId,
  reason: z.string().max(1_000),
});

export const linkUpdatedV1 = z.looseObject({
  manageCompanyId: manageId,
  huduCompanyId: huduId,
  jumpUrl: z.url().max(2_000),
});

export const EVENT_CATALOGUE = {
  SyncRequested: { 1: { topic: TOPICS.syncCommands, payload: syncRequestedV1 } },
  CompanyFetched: { 1: { topic: TOPICS.manageRecords, payload: companyFetchedV1 } },
  ConfigurationFetched: { 1: { topic: TOPICS.manageRecords, payload: configurationFetchedV1 } },
  ContactFetched: { 1: { topic: TOPICS.manageRecords, payload: contactFetchedV1 } },
  CompanyRemoved: { 1: { topic: TOPICS.manageRecords, payload: recordRemovedV1 } },
  ConfigurationRemoved: { 1: { topic: TOPICS.manageRecords, payload: recordRemovedV1 } },
  ContactRemoved: { 1: { topic: TOPICS.manageRecords, payload: recordRemovedV1 } },
  FetchCompleted: { 1: { topic: TOPICS.manageRecords, payload: fetchCompletedV1 } },
  CompanyMatched: { 1: { topic: TOPICS.companyMatches, payload: companyMatchedV1 } },
  CompanyImported: { 1: { topic: TOPICS.huduImports, payload: companyImportedV1 } },
  ConfigImported: { 1: { topic: TOPICS.huduImports, payload: assetImported } },
  ContactImported: { 1: { topic: TOPICS.huduImports, payload: assetImported } },
  ImportBlocked: { 1: { topic: TOPICS.huduImports, payload: importBlockedV1 } },
  ImportFailed: { 1: { topic: TOPICS.huduImports, payload: importFailedV1 } },
  LinkUpdated: { 1: { topic: TOPICS.links, payload: linkUpdatedV1 } },
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
