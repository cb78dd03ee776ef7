import type { ManageCompany, ManageConfiguration, ManageContact, RecordKind } from '@cw-hudu-sync/contracts';
import { contentHash } from './content-hash';
import type { SnapshotResult } from './snapshots';

/**
 * What to do with one record read from Manage, given the hash last emitted for it. Emitting only on a
 * changed hash (or when forced) is what makes a second run with nothing changed publish nothing.
 */
export type RecordDecision<T> =
  /** New or changed (or forced): publish …Fetched and remember the hash. */
  | { action: 'emit'; manageId: number; companyManageId?: number; hash: string; snapshot: T }
  /** Soft-deleted in Manage and not yet reported as such: publish …Removed (reason `deleted`). */
  | { action: 'remove'; manageId: number; companyManageId?: number; hash: string }
  /** Same content as last emitted. */
  | { action: 'unchanged'; manageId: number; companyManageId?: number }
  /** Read but left out by the integration's options (a skipped configuration type). */
  | { action: 'skip'; manageId: number; companyManageId?: number; reason: string }
  /** Not a valid snapshot: reported in the run, not published. */
  | { action: 'reject'; manageId: number; reason: string };

export interface DecisionOptions {
  /** The hash last emitted for this record, if any. */
  previousHash?: string;
  /** Re-emit even when the hash is unchanged. */
  force?: boolean;
}

/** Emit when there is no previous hash, the hash changed, or the run is forced. */
export function shouldEmit(previousHash: string | undefined, hash: string, force = false): boolean {
  return force || previousHash !== hash;
}

export function decideCompany(
  manageId: number,
  result: SnapshotResult<ManageCompany>,
  options: DecisionOptions = {},
): RecordDecision<ManageCompany> {
  if (!result.ok) return { action: 'reject', manageId, reason: result.reason };
  const hash = contentHash(result.snapshot);
  if (!shouldEmit(options.previousHash, hash, options.force)) return { action: 'unchanged', manageId };
  if (result.snapshot.deleted) return { action: 'remove', manageId, hash };
  return { action: 'emit', manageId, hash, snapshot: result.snapshot };
}

export function decideConfiguration(
  manageId: number,
  result: SnapshotResult<ManageConfiguration>,
  options: DecisionOptions & { skippedTypeIds?: ReadonlySet<number> } = {},
): RecordDecision<ManageConfiguration> {
  if (!result.ok) return { action: 'reject', manageId, reason: result.reason };
  const { snapshot } = result;
  const companyManageId = snapshot.companyId;
  if (options.skippedTypeIds?.has(snapshot.typeId)) {
    return {
      action: 'skip',
      manageId,
      companyManageId,
      reason: `configuration type ${snapshot.typeId} (${snapshot.typeName}) is skipped`,
    };
  }
  const hash = contentHash(snapshot);
  if (!shouldEmit(options.previousHash, hash, options.force))
    return { action: 'unchanged', manageId, companyManageId };
  return { action: 'emit', manageId, companyManageId, hash, snapshot };
}

export function decideContact(
  manageId: number,
  result: SnapshotResult<ManageContact>,
  options: DecisionOptions = {},
): RecordDecision<ManageContact> {
  if (!result.ok) return { action: 'reject', manageId, reason: result.reason };
  const { snapshot } = result;
  const companyManageId = snapshot.companyId;
  const hash = contentHash(snapshot);
  if (!shouldEmit(options.previousHash, hash, options.force))
    return { action: 'unchanged', manageId, companyManageId };
  return { action: 'emit', manageId, companyManageId, hash, snapshot };
}

/** The event types of each kind. */
export const fetchedEventType = {
  company: 'CompanyFetched',
  configuration: 'ConfigurationFetched',
  contact: 'ContactFetched',
} as const satisfies Record<RecordKind, string>;

export const removedEventType = {
  company: 'CompanyRemoved',
  configuration: 'ConfigurationRemoved',
  contact: 'ContactRemoved',
} as const satisfies Record<RecordKind, string>;

/** The snapshot store's key of one record: one integration, one kind, one Manage id. */
export function snapshotId(integrationId: string, kind: RecordKind, manageId: number): string {
  return `${integrationId}:${kind}:${manageId}`;
}

/** The watermark store's key of one integration's kind. */
export function watermarkId(integrationId: string, kind: RecordKind): string {
  return `${integrationId}:${kind}`;
}

/** The kinds a run reads, in publishing order: companies first, so their records follow them on the topic. */
export function kindsToRead(options: { skipConfigurations?: boolean; skipContacts?: boolean }): RecordKind[] {
  const kinds: RecordKind[] = ['company'];
  if (!options.skipConfigurations) kinds.push('configuration');
  if (!options.skipContacts) kinds.push('contact');
  return kinds;
}
