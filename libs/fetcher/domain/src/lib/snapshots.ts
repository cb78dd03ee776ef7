import {
  type ManageCompany,
  manageCompanySchema,
  type ManageConfiguration,
  manageConfigurationSchema,
  type ManageContact,
  manageContactSchema,
} from '@cw-hudu-sync/contracts';
import type { z } from 'zod';
import type {
  ManageCommunicationItemRecord,
  ManageCompanyRecord,
  ManageCompanyStatusRecord,
  ManageConfigurationRecord,
  ManageConfigurationStatusRecord,
  ManageConfigurationTypeRecord,
  ManageContactRecord,
} from './manage-records';

/**
 * Manage records → the contract snapshots (`@cw-hudu-sync/contracts` records) the fetcher hashes and
 * publishes. A record that cannot become a valid snapshot (no company, an overlong name, …) is returned
 * as a rejection with a reason, never thrown: one bad record must not stop a run.
 */
export type SnapshotResult<T> = { ok: true; snapshot: T } | { ok: false; reason: string };

/** The longest notes the contracts accept; longer notes are cut (with a marker), not rejected. */
export const MAX_NOTES_LENGTH = 65_535;
const TRUNCATION_MARKER = '…';

/** What the company mapping needs to know about company statuses (read before the companies). */
export interface CompanyStatusIndex {
  get(id: number): { name: string; inactive: boolean } | undefined;
}

export function companyStatusIndex(statuses: Iterable<ManageCompanyStatusRecord>): CompanyStatusIndex {
  const byId = new Map<number, { name: string; inactive: boolean }>();
  for (const status of statuses)
    byId.set(status.id, { name: status.name, inactive: status.inactiveFlag === true });
  return { get: (id) => byId.get(id) };
}

/** Configuration types (for names when a reference carries none) and closed statuses (for `active`). */
export interface ConfigurationLookups {
  typeName(id: number): string | undefined;
  /** True/false when the status is known, undefined otherwise. */
  statusClosed(id: number): boolean | undefined;
}

export function configurationLookups(
  types: Iterable<ManageConfigurationTypeRecord> = [],
  statuses: Iterable<ManageConfigurationStatusRecord> = [],
): ConfigurationLookups {
  const typeNames = new Map<number, string>();
  for (const type of types) typeNames.set(type.id, type.name);
  const closed = new Map<number, boolean>();
  for (const status of statuses) closed.set(status.id, status.closedFlag === true);
  return { typeName: (id) => typeNames.get(id), statusClosed: (id) => closed.get(id) };
}

// ---- company ----

export function toCompanySnapshot(
  record: ManageCompanyRecord,
  statuses: CompanyStatusIndex,
): SnapshotResult<ManageCompany> {
  const statusId = numberOf(record.status?.id);
  const status = statusId === undefined ? undefined : statuses.get(statusId);
  const candidate = {
    id: record.id,
    identifier: textOf(record.identifier) ?? '',
    name: textOf(record.name) ?? '',
    statusName: textOf(record.status?.name) ?? status?.name,
    inactive: status?.inactive ?? false,
    deleted: record.deletedFlag === true,
    addressLine1: textOf(record['addressLine1']),
    addressLine2: textOf(record['addressLine2']),
    city: textOf(record['city']),
    state: textOf(record['state']),
    zip: textOf(record['zip']),
    country: referenceName(record['country']),
    phoneNumber: textOf(record['phoneNumber']),
    faxNumber: textOf(record['faxNumber']),
    website: textOf(record['website']),
    typeNames: (Array.isArray(record.types) ? record.types : [])
      .map((type) => referenceName(type))
      .filter((name): name is string => name !== undefined),
    lastUpdated: lastUpdatedOf(record),
  };
  return validated(manageCompanySchema, candidate, 'company', record.id);
}

// ---- configuration ----

export function toConfigurationSnapshot(
  record: ManageConfigurationRecord,
  lookups: ConfigurationLookups = configurationLookups(),
): SnapshotResult<ManageConfiguration> {
  const companyId = numberOf(record.company?.id);
  if (companyId === undefined) return rejected('configuration', record.id, 'it belongs to no company');
  const typeId = numberOf(record.type?.id);
  if (typeId === undefined) return rejected('configuration', record.id, 'it has no configuration type');
  const statusId = numberOf(record.status?.id);
  const closed = statusId === undefined ? undefined : lookups.statusClosed(statusId);
  const candidate = {
    id: record.id,
    companyId,
    name: textOf(record.name) ?? '',
    typeId,
    typeName: textOf(record.type?.name) ?? lookups.typeName(typeId) ?? '',
    statusName: textOf(record.status?.name),
    active:
      typeof record.activeFlag === 'boolean' ? record.activeFlag : closed === undefined ? true : !closed,
    serialNumber: textOf(record['serialNumber']),
    modelNumber: textOf(record['modelNumber']),
    tagNumber: textOf(record['tagNumber']),
    manufacturer: referenceName(record['manufacturer']),
    ipAddress: textOf(record['ipAddress']),
    macAddress: textOf(record['macAddress']),
    osType: textOf(record['osType']),
    osInfo: textOf(record['osInfo']),
    lastLoginName: textOf(record['lastLoginName']),
    contactName: referenceName(record.contact),
    purchaseDate: textOf(record['purchaseDate']),
    installationDate: textOf(record['installationDate']),
    warrantyExpirationDate: textOf(record['warrantyExpirationDate']),
    notes: notesOf(record['notes']),
    lastUpdated: lastUpdatedOf(record),
  };
  return validated(manageConfigurationSchema, candidate, 'configuration', record.id);
}

// ---- contact ----

const MOBILE = /mobile|cell/i;

export function toContactSnapshot(record: ManageContactRecord): SnapshotResult<ManageContact> {
  const companyId = numberOf(record.company?.id);
  if (companyId === undefined) return rejected('contact', record.id, 'it belongs to no company');
  const items = Array.isArray(record.communicationItems) ? record.communicationItems : [];
  const emails = items.filter((item) => item.communicationType === 'Email' && textOf(item.value));
  const phones = items.filter((item) => item.communicationType === 'Phone' && textOf(item.value));
  const mobiles = phones.filter((item) => MOBILE.test(item.type?.name ?? ''));
  const landlines = phones.filter((item) => !MOBILE.test(item.type?.name ?? ''));
  // Contacts listed without communication items (a `fields=` selection, older payloads) still carry the default phone.
  const defaultPhone = textOf(record['defaultPhoneNbr']);
  const defaultPhoneIsMobile = MOBILE.test(textOf(record['defaultPhoneType']) ?? '');
  const candidate = {
    id: record.id,
    companyId,
    firstName: textOf(record.firstName),
    lastName: textOf(record.lastName),
    title: textOf(record['title']),
    email: primaryValue(emails),
    phone: primaryValue(landlines) ?? primaryValue(phones) ?? defaultPhone,
    mobile: primaryValue(mobiles) ?? (defaultPhoneIsMobile ? defaultPhone : undefined),
    inactive: record.inactiveFlag === true,
    primary: record['defaultFlag'] === true,
    notes: notesOf(record['notes']),
    lastUpdated: lastUpdatedOf(record),
  };
  return validated(manageContactSchema, candidate, 'contact', record.id);
}

/** The default item's value (with its extension), else the first one's. */
function primaryValue(items: readonly ManageCommunicationItemRecord[]): string | undefined {
  const chosen = items.find((item) => item.defaultFlag === true) ?? items[0];
  if (!chosen) return undefined;
  const value = textOf(chosen.value);
  const extension = textOf(chosen.extension);
  return value && extension ? `${value} x${extension}` : value;
}

// ---- helpers ----

function validated<S extends z.ZodType>(
  schema: S,
  candidate: Record<string, unknown>,
  kind: string,
  id: unknown,
): SnapshotResult<z.infer<S>> {
  const result = schema.safeParse(withoutUndefined(candidate));
  if (result.success) return { ok: true, snapshot: result.data };
  const problems = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`)
    .join('; ');
  return rejected(kind, id, problems);
}

function rejected(kind: string, id: unknown, reason: string): { ok: false; reason: string } {
  return { ok: false, reason: `Manage ${kind} ${String(id)} cannot be synced: ${reason}` };
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** A non-blank string, as is; blank, null and non-strings are "not set" (Manage omits unset fields). */
function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The name of a reference (`{id, name}`), or the value itself when Manage sent a plain string. */
function referenceName(value: unknown): string | undefined {
  if (typeof value === 'string') return textOf(value);
  if (value && typeof value === 'object') return textOf((value as { name?: unknown }).name);
  return undefined;
}

function lastUpdatedOf(record: { _info?: unknown }): string | undefined {
  const info = record._info;
  if (!info || typeof info !== 'object') return undefined;
  return textOf((info as Record<string, unknown>)['lastUpdated']);
}

/** Notes cut to the contract's bound, never splitting a surrogate pair. */
export function notesOf(value: unknown): string | undefined {
  const text = textOf(value);
  if (text === undefined || text.length <= MAX_NOTES_LENGTH) return text;
  let cut = text.slice(0, MAX_NOTES_LENGTH - TRUNCATION_MARKER.length);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}${TRUNCATION_MARKER}`;
}
