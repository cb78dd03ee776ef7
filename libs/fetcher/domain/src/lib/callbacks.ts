import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createEvent, type Envelope, type EnvelopeContext, type RecordKind } from '@cw-hudu-sync/contracts';
import { z } from 'zod';
import {
  decideCompany,
  decideConfiguration,
  decideContact,
  fetchedEventType,
  removedEventType,
} from './change-detection';
import type { ManageCompanyRecord, ManageConfigurationRecord, ManageContactRecord } from './manage-records';
import {
  type CompanyStatusIndex,
  type ConfigurationLookups,
  toCompanySnapshot,
  toConfigurationSnapshot,
  toContactSnapshot,
} from './snapshots';

/**
 * Manage callbacks (webhooks), the pure half: the signature Manage puts in `x-content-signature`, the
 * payload it POSTs, which key URLs may be fetched, the per-integration callback URL and its token, the
 * registration plan that keeps `/system/callbacks` idempotent, how a burst of callbacks coalesces into one
 * read per record, and what a re-read record turns into (the same events a sync emits).
 */

// ---- signature ----

/** `base64(HMAC-SHA256(key = SHA-256(signing key), raw body))`, exactly as Manage signs a callback. */
export function callbackSignature(rawBody: string | Uint8Array, signingKey: string): string {
  const key = createHash('sha256').update(signingKey).digest();
  return createHmac('sha256', key).update(rawBody).digest('base64');
}

/** True when `signature` (the `x-content-signature` header) signs `rawBody` with `signingKey`. Constant time. */
export function verifyCallbackSignature(
  rawBody: string | Uint8Array,
  signature: string | undefined,
  signingKey: string,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(callbackSignature(rawBody, signingKey), 'base64');
  let given: Buffer;
  try {
    given = Buffer.from(signature.trim(), 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// ---- payload ----

const callbackActionSchema = z
  .string()
  .transform((value) => value.toLowerCase())
  .pipe(z.enum(['added', 'updated', 'deleted']));

/** The JSON body Manage POSTs (keys as Manage sends them; unknown keys pass). */
export const manageCallbackPayloadSchema = z.looseObject({
  MessageId: z.string().min(1).max(200),
  Action: callbackActionSchema,
  Type: z.string().min(1).max(50),
  ID: z.coerce.number().int().positive(),
  /** The record as a JSON string, `null` on delete: a hint only, the record is re-read by id. */
  Entity: z.string().nullable().optional(),
  Metadata: z.looseObject({ key_url: z.string().min(1).max(2000) }),
  CompanyId: z.string().max(200).optional(),
  MemberId: z.string().max(200).optional(),
  FromUrl: z.string().max(500).optional(),
  CallbackObjectRecId: z.number().int().optional(),
});
export type ManageCallbackPayload = z.infer<typeof manageCallbackPayloadSchema>;
export type CallbackAction = ManageCallbackPayload['Action'];

/** The record kind of a callback `Type` (`company`, `configuration`, `contact`), or undefined for others. */
export function callbackRecordKind(type: string): RecordKind | undefined {
  const lower = type.toLowerCase();
  return lower === 'company' || lower === 'configuration' || lower === 'contact' ? lower : undefined;
}

/** The `key_url` of a body that may not (yet) be trusted: only read to verify the signature. */
export function keyUrlOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const metadata = (body as { Metadata?: unknown }).Metadata;
  if (!metadata || typeof metadata !== 'object') return undefined;
  const keyUrl = (metadata as { key_url?: unknown }).key_url;
  return typeof keyUrl === 'string' && keyUrl.length > 0 ? keyUrl : undefined;
}

/** Hosts of ConnectWise's cloud: the key may be served by a sibling of the API host (`na.` for `api-na.`). */
const CLOUD_DOMAINS = ['.myconnectwise.net', '.connectwisedev.com'];

/**
 * Whether the signing key may be fetched from `keyUrl` for an integration whose Manage is `siteUrl`: the
 * payload is attacker-controlled until verified, so a key URL of the attacker's own server (signing its own
 * forgery) or of an internal address (SSRF) must be refused. Allowed: the integration's own Manage origin,
 * or, for a cloud site, any host of the same ConnectWise cloud domain over https.
 */
export function isTrustedKeyUrl(keyUrl: string, siteUrl: string): boolean {
  let key: URL;
  let site: URL;
  try {
    key = new URL(keyUrl);
    site = new URL(siteUrl);
  } catch {
    return false;
  }
  if (key.username || key.password) return false;
  if (key.origin === site.origin) return true;
  if (key.protocol !== 'https:' || key.port !== '') return false;
  const host = key.hostname.toLowerCase();
  const siteHost = site.hostname.toLowerCase();
  return CLOUD_DOMAINS.some((domain) => host.endsWith(domain) && siteHost.endsWith(domain));
}

// ---- callback URL ----

/** The path below the fetcher's public base URL that receives an integration's callbacks. */
export const CALLBACK_ROUTE_PREFIX = '/callbacks/manage';

/**
 * The unguessable part of an integration's callback URL: HMAC-SHA256(secret, integration id), base64url,
 * 32 characters. Not a secret by itself (Manage shows it in its setup screens): the signature is the proof;
 * the token only keeps strangers from making the fetcher fetch signing keys for guessed integration ids.
 */
export function callbackToken(secret: string, integrationId: string): string {
  return createHmac('sha256', secret)
    .update(`manage-callback:${integrationId}`)
    .digest('base64url')
    .slice(0, 32);
}

export function verifyCallbackToken(
  secret: string,
  integrationId: string,
  token: string | undefined,
): boolean {
  if (!token) return false;
  const expected = Buffer.from(callbackToken(secret, integrationId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The URL registered in Manage for one integration and kind. Manage appends the record id to the URL as
 * given, so it ends in `?recordId=` (ConnectWise's recommendation) and the append cannot corrupt the path.
 */
export function callbackUrl(baseUrl: string, integrationId: string, kind: RecordKind, token: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}${CALLBACK_ROUTE_PREFIX}/${encodeURIComponent(integrationId)}/${kind}/${token}?recordId=`;
}

/** The description that marks a registration as this integration's (Manage allows 100 characters). */
export function callbackDescription(integrationId: string): string {
  return `cw-hudu-sync ${integrationId}`.slice(0, 100);
}

// ---- registration plan ----

/** What `/system/callbacks` lists (only the fields the plan reads). */
export interface RegisteredCallback {
  id: number;
  url: string;
  type: string;
  level: string;
  objectId: number;
  description?: string;
  inactiveFlag?: boolean;
}

/** A callback this integration needs: every record of a type (level `owner`, objectId 1). */
export interface DesiredCallback {
  url: string;
  type: RecordKind;
  level: 'owner';
  objectId: 1;
  description: string;
}

/** The three callbacks an integration needs (none when its callbacks are off). */
export function desiredCallbacks(
  baseUrl: string,
  integrationId: string,
  token: string,
  kinds: readonly RecordKind[] = ['company', 'configuration', 'contact'],
): DesiredCallback[] {
  return kinds.map((type) => ({
    url: callbackUrl(baseUrl, integrationId, type, token),
    type,
    level: 'owner',
    objectId: 1,
    description: callbackDescription(integrationId),
  }));
}

export interface RegistrationPlan {
  keep: RegisteredCallback[];
  remove: RegisteredCallback[];
  add: DesiredCallback[];
}

/**
 * Idempotent registration: of the registered callbacks that are this integration's (its description, or a
 * URL below its callback path on any base URL), keep one active exact match per desired callback and remove
 * every other (stale URL after a base-URL or token change, duplicates, entries Manage disabled after days of
 * failures); add what is missing. Callbacks of other integrations and other products are never touched.
 */
export function planCallbackRegistration(
  integrationId: string,
  registered: readonly RegisteredCallback[],
  desired: readonly DesiredCallback[],
): RegistrationPlan {
  const description = callbackDescription(integrationId);
  const pathPart = `${CALLBACK_ROUTE_PREFIX}/${encodeURIComponent(integrationId)}/`;
  const ours = registered.filter((entry) => {
    if (entry.description === description) return true;
    try {
      return new URL(entry.url).pathname.startsWith(pathPart);
    } catch {
      return false;
    }
  });
  const keep: RegisteredCallback[] = [];
  const add: DesiredCallback[] = [];
  for (const want of desired) {
    const match = ours.find(
      (entry) =>
        !keep.includes(entry) &&
        entry.url === want.url &&
        entry.type.toLowerCase() === want.type &&
        entry.level.toLowerCase() === want.level &&
        entry.objectId === want.objectId &&
        entry.inactiveFlag !== true,
    );
    if (match) keep.push(match);
    else add.push(want);
  }
  return { keep, remove: ours.filter((entry) => !keep.includes(entry)), add };
}

// ---- coalescing ----

/** One accepted callback waiting in the inbox. */
export interface InboxEntry {
  id: string;
  integrationId: string;
  kind: RecordKind;
  manageId: number;
  action: CallbackAction;
  receivedAt: Date;
}

/** One read of one record standing for every callback about it in the batch. */
export interface CoalescedRecord {
  integrationId: string;
  kind: RecordKind;
  manageId: number;
  /** The last action announced (a hint: the re-read decides). */
  action: CallbackAction;
  /** Every inbox entry this read settles. */
  entryIds: string[];
  firstReceivedAt: Date;
  lastReceivedAt: Date;
}

const kindOrder: Record<RecordKind, number> = { company: 0, configuration: 1, contact: 2 };

/**
 * Groups a batch of inbox entries by (integration, kind, record): a burst of callbacks for one record costs
 * one read. Per integration, companies come first (their records follow them on the topic, as in a sync),
 * then by first arrival.
 */
export function coalesceCallbacks(entries: readonly InboxEntry[]): Map<string, CoalescedRecord[]> {
  const byRecord = new Map<string, CoalescedRecord>();
  for (const entry of entries) {
    const key = `${entry.integrationId}\u0000${entry.kind}\u0000${entry.manageId}`;
    const found = byRecord.get(key);
    if (!found) {
      byRecord.set(key, {
        integrationId: entry.integrationId,
        kind: entry.kind,
        manageId: entry.manageId,
        action: entry.action,
        entryIds: [entry.id],
        firstReceivedAt: entry.receivedAt,
        lastReceivedAt: entry.receivedAt,
      });
      continue;
    }
    found.entryIds.push(entry.id);
    if (entry.receivedAt.getTime() >= found.lastReceivedAt.getTime()) {
      found.lastReceivedAt = entry.receivedAt;
      found.action = entry.action;
    }
    if (entry.receivedAt.getTime() < found.firstReceivedAt.getTime())
      found.firstReceivedAt = entry.receivedAt;
  }
  const byIntegration = new Map<string, CoalescedRecord[]>();
  for (const record of byRecord.values()) {
    const list = byIntegration.get(record.integrationId) ?? [];
    list.push(record);
    byIntegration.set(record.integrationId, list);
  }
  for (const list of byIntegration.values()) {
    list.sort(
      (a, b) =>
        kindOrder[a.kind] - kindOrder[b.kind] ||
        a.firstReceivedAt.getTime() - b.firstReceivedAt.getTime() ||
        a.manageId - b.manageId,
    );
  }
  return byIntegration;
}

// ---- a re-read record → events ----

export interface CallbackReadContext {
  statuses: CompanyStatusIndex;
  lookups: ConfigurationLookups;
  skippedTypeIds: ReadonlySet<number>;
}

/** What the fetcher last emitted for the record (its snapshot), if anything. */
export interface PreviousSnapshot {
  hash?: string;
  companyManageId?: number;
}

export type CallbackOutcome = 'fetched' | 'removed' | 'unchanged' | 'skipped' | 'failed';

export interface CallbackRecordDecision {
  outcome: CallbackOutcome;
  events: Envelope[];
  /** How the snapshot follows the events once they are published. */
  snapshot:
    { action: 'keep' } | { action: 'record'; hash: string; companyManageId?: number } | { action: 'forget' };
  reason?: string;
}

/**
 * What one re-read record turns into, with the sync's own change detection (unchanged content emits
 * nothing; a soft-deleted company → CompanyRemoved). `record` is `undefined` when Manage no longer has it
 * (404): …Removed (reason `deleted`) if the fetcher ever emitted it, else nothing.
 */
export function decideCallbackRecord(
  kind: RecordKind,
  manageId: number,
  record: { id: number; [field: string]: unknown } | undefined,
  previous: PreviousSnapshot | undefined,
  read: CallbackReadContext,
  context: EnvelopeContext,
): CallbackRecordDecision {
  if (record === undefined) {
    if (previous === undefined) return { outcome: 'unchanged', events: [], snapshot: { action: 'keep' } };
    const payload = {
      manageId,
      ...(previous.companyManageId !== undefined ? { companyManageId: previous.companyManageId } : {}),
      reason: 'deleted' as const,
    };
    return {
      outcome: 'removed',
      events: [createEvent(removedEventType[kind], context, payload)],
      snapshot: { action: 'forget' },
    };
  }
  const options = previous?.hash !== undefined ? { previousHash: previous.hash } : {};
  switch (kind) {
    case 'company': {
      const decision = decideCompany(
        manageId,
        toCompanySnapshot(record as ManageCompanyRecord, read.statuses),
        options,
      );
      switch (decision.action) {
        case 'emit':
          return {
            outcome: 'fetched',
            events: [
              createEvent(fetchedEventType.company, context, {
                manageId,
                contentHash: decision.hash,
                company: decision.snapshot,
              }),
            ],
            snapshot: { action: 'record', hash: decision.hash },
          };
        case 'remove':
          return {
            outcome: 'removed',
            events: [createEvent(removedEventType.company, context, { manageId, reason: 'deleted' })],
            snapshot: { action: 'record', hash: decision.hash },
          };
        case 'reject':
          return { outcome: 'failed', events: [], snapshot: { action: 'keep' }, reason: decision.reason };
        default:
          return { outcome: 'unchanged', events: [], snapshot: { action: 'keep' } };
      }
    }
    case 'configuration': {
      const decision = decideConfiguration(
        manageId,
        toConfigurationSnapshot(record as ManageConfigurationRecord, read.lookups),
        { ...options, skippedTypeIds: read.skippedTypeIds },
      );
      switch (decision.action) {
        case 'emit':
          return {
            outcome: 'fetched',
            events: [
              createEvent(fetchedEventType.configuration, context, {
                manageId,
                companyManageId: decision.snapshot.companyId,
                contentHash: decision.hash,
                configuration: decision.snapshot,
              }),
            ],
            snapshot: { action: 'record', hash: decision.hash, companyManageId: decision.snapshot.companyId },
          };
        case 'skip':
          return { outcome: 'skipped', events: [], snapshot: { action: 'keep' }, reason: decision.reason };
        case 'reject':
          return { outcome: 'failed', events: [], snapshot: { action: 'keep' }, reason: decision.reason };
        default:
          return { outcome: 'unchanged', events: [], snapshot: { action: 'keep' } };
      }
    }
    case 'contact': {
      const decision = decideContact(manageId, toContactSnapshot(record as ManageContactRecord), options);
      switch (decision.action) {
        case 'emit':
          return {
            outcome: 'fetched',
            events: [
              createEvent(fetchedEventType.contact, context, {
                manageId,
                companyManageId: decision.snapshot.companyId,
                contentHash: decision.hash,
                contact: decision.snapshot,
              }),
            ],
            snapshot: { action: 'record', hash: decision.hash, companyManageId: decision.snapshot.companyId },
          };
        case 'reject':
          return { outcome: 'failed', events: [], snapshot: { action: 'keep' }, reason: decision.reason };
        default:
          return { outcome: 'unchanged', events: [], snapshot: { action: 'keep' } };
      }
    }
  }
}
