import type { ManageConfiguration, ManageContact } from '@cw-hudu-sync/contracts';
import type { AssetKind, Layout, LayoutField } from './layouts';
import { CUSTOM_PREFIX, customFieldKey, type FieldValue, labelKey, type MappedFields, text } from './values';

/** One Manage value and the layout labels it goes into (the first label the layout has wins). */
export interface FieldRule<R> {
  labels: readonly string[];
  value: (record: R) => string | boolean | null;
}

export type FieldMap<R> = readonly FieldRule<R>[];

const yes = (flag: boolean) => flag;

/** Where configuration values go, by the layout's own labels. */
export const DEFAULT_CONFIGURATION_FIELD_MAP: FieldMap<ManageConfiguration> = [
  { labels: ['Configuration Type', 'Type'], value: (c) => text(c.typeName) },
  { labels: ['Status'], value: (c) => text(c.statusName) },
  { labels: ['Serial Number', 'Serial'], value: (c) => text(c.serialNumber) },
  { labels: ['Model', 'Model Number'], value: (c) => text(c.modelNumber) },
  { labels: ['Manufacturer'], value: (c) => text(c.manufacturer) },
  { labels: ['IP Address', 'IP'], value: (c) => text(c.ipAddress) },
  { labels: ['MAC Address', 'MAC'], value: (c) => text(c.macAddress) },
  { labels: ['Operating System', 'OS', 'OS Type'], value: (c) => text(c.osType) },
  { labels: ['OS Info', 'OS Version'], value: (c) => text(c.osInfo) },
  { labels: ['Tag Number', 'Asset Tag'], value: (c) => text(c.tagNumber) },
  { labels: ['Last Login', 'Last Login Name'], value: (c) => text(c.lastLoginName) },
  { labels: ['Contact', 'Contact Name'], value: (c) => text(c.contactName) },
  { labels: ['Purchase Date'], value: (c) => text(c.purchaseDate) },
  { labels: ['Installation Date', 'Install Date'], value: (c) => text(c.installationDate) },
  {
    labels: ['Warranty Expiration', 'Warranty Expiration Date', 'Warranty Expires'],
    value: (c) => text(c.warrantyExpirationDate),
  },
  { labels: ['Notes'], value: (c) => text(c.notes) },
];

/** Where contact values go, by the layout's own labels. */
export const DEFAULT_CONTACT_FIELD_MAP: FieldMap<ManageContact> = [
  { labels: ['First Name'], value: (c) => text(c.firstName) },
  { labels: ['Last Name'], value: (c) => text(c.lastName) },
  { labels: ['Title', 'Job Title'], value: (c) => text(c.title) },
  { labels: ['Email', 'E-mail', 'Email Address'], value: (c) => text(c.email) },
  { labels: ['Phone', 'Phone Number', 'Direct Phone'], value: (c) => text(c.phone) },
  { labels: ['Mobile', 'Mobile Phone', 'Cell'], value: (c) => text(c.mobile) },
  { labels: ['Primary', 'Primary Contact'], value: (c) => yes(c.primary ?? false) },
  { labels: ['Inactive'], value: (c) => yes(c.inactive) },
  { labels: ['Notes'], value: (c) => text(c.notes) },
];

export interface MappedAsset {
  fields: MappedFields;
  /** Values the map has for which the layout has no field: ignored, reported by their first label. */
  notInLayout: string[];
}

/** The name a contact asset gets: first and last name, else the e-mail, else `Contact <id>`. */
export function contactName(contact: ManageContact): string {
  const full = [text(contact.firstName), text(contact.lastName)].filter(Boolean).join(' ');
  return full || text(contact.email) || `Contact ${contact.id}`;
}

export function mapConfiguration(
  configuration: ManageConfiguration,
  layout: Layout,
  map: FieldMap<ManageConfiguration> = DEFAULT_CONFIGURATION_FIELD_MAP,
): MappedAsset {
  const top: MappedFields = {
    name: text(configuration.name) ?? `Configuration ${configuration.id}`,
    primary_serial: text(configuration.serialNumber),
    primary_model: text(configuration.modelNumber),
    primary_manufacturer: text(configuration.manufacturer),
  };
  return withLayoutFields(top, configuration, layout, map);
}

export function mapContact(
  contact: ManageContact,
  layout: Layout,
  map: FieldMap<ManageContact> = DEFAULT_CONTACT_FIELD_MAP,
): MappedAsset {
  const top: MappedFields = { name: contactName(contact), primary_mail: text(contact.email) };
  return withLayoutFields(top, contact, layout, map);
}

export function mapAsset(
  kind: AssetKind,
  record: ManageConfiguration | ManageContact,
  layout: Layout,
): MappedAsset {
  return kind === 'configuration'
    ? mapConfiguration(record as ManageConfiguration, layout)
    : mapContact(record as ManageContact, layout);
}

function withLayoutFields<R>(top: MappedFields, record: R, layout: Layout, map: FieldMap<R>): MappedAsset {
  const byLabel = new Map<string, LayoutField>();
  for (const field of layout.fields) {
    if (field.is_destroyed) continue;
    const key = labelKey(field.label);
    if (!byLabel.has(key)) byLabel.set(key, field);
  }
  const fields: MappedFields = { ...top };
  const used = new Set<string>();
  const notInLayout: string[] = [];
  for (const rule of map) {
    const field = rule.labels.map((label) => byLabel.get(labelKey(label))).find((f) => f !== undefined);
    if (!field) {
      notInLayout.push(rule.labels[0] ?? '?');
      continue;
    }
    const key = customFieldKey(field.label);
    if (used.has(key)) continue; // two rules onto one field: the first wins
    used.add(key);
    fields[`${CUSTOM_PREFIX}${key}`] = convert(rule.value(record), field.field_type);
  }
  return { fields, notInLayout };
}

/** A value in the form the layout field takes: dates as `YYYY/MM/DD`, check boxes as booleans. */
export function convert(value: string | boolean | null, fieldType: string): FieldValue {
  if (value === null) return null;
  const type = fieldType.toLowerCase();
  if (type === 'checkbox') {
    if (typeof value === 'boolean') return value;
    return /^(true|yes|1)$/i.test(value.trim());
  }
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (type === 'date') {
    const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
    return match ? `${match[1]}/${match[2]}/${match[3]}` : value;
  }
  return value;
}

/** A custom field value as Hudu takes it (text, number, date, check box, address object, lists). */
export type CustomValue = string | number | boolean | null | unknown[] | { [key: string]: unknown };

/** Hudu's asset input from mapped values: top-level attributes and custom_fields. */
export interface AssetInput {
  name?: string;
  asset_layout_id?: number;
  primary_serial?: string | null;
  primary_mail?: string | null;
  primary_model?: string | null;
  primary_manufacturer?: string | null;
  custom_fields?: Array<Record<string, CustomValue>>;
}

const TOP_LEVEL = ['primary_serial', 'primary_mail', 'primary_model', 'primary_manufacturer'] as const;

/**
 * The body of a create: every non-empty mapped value. For an update pass `current` (the custom field
 * values Hudu has now, by key): Hudu replaces all custom fields on update, so the ones the importer does
 * not own are sent back as they are.
 */
export function assetInput(
  fields: MappedFields,
  layoutId: number,
  current?: Readonly<Record<string, CustomValue>>,
): AssetInput {
  const input: AssetInput = { asset_layout_id: layoutId };
  const name = fields['name'];
  if (typeof name === 'string' && name.trim() !== '') input.name = name;
  for (const key of TOP_LEVEL) {
    if (key in fields) {
      const value = fields[key];
      input[key] = value === null || value === undefined ? null : String(value);
    }
  }
  const custom: Record<string, CustomValue> = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(fields)) {
    if (key.startsWith(CUSTOM_PREFIX)) custom[key.slice(CUSTOM_PREFIX.length)] = value;
  }
  const entries = Object.entries(custom).filter(([, value]) => value !== null && value !== '');
  if (entries.length > 0 || current !== undefined)
    input.custom_fields = entries.map(([k, v]) => ({ [k]: v }));
  return input;
}

/** A Hudu asset's current values in mapped form (top-level attributes and `custom:<key>`). */
export function currentAssetFields(asset: {
  name: string;
  primary_serial: string | null;
  primary_mail: string | null;
  primary_model: string | null;
  primary_manufacturer: string | null;
  fields: ReadonlyArray<{ label: string; value: unknown }>;
}): { fields: MappedFields; custom: Record<string, CustomValue> } {
  const custom: Record<string, CustomValue> = {};
  for (const field of asset.fields) custom[customFieldKey(field.label)] = raw(field.value);
  const fields: MappedFields = {
    name: asset.name,
    primary_serial: asset.primary_serial,
    primary_mail: asset.primary_mail,
    primary_model: asset.primary_model,
    primary_manufacturer: asset.primary_manufacturer,
  };
  for (const [key, value] of Object.entries(custom)) fields[`${CUSTOM_PREFIX}${key}`] = scalar(value);
  return { fields, custom };
}

function raw(value: unknown): CustomValue {
  if (value === undefined) return null;
  if (typeof value === 'object' && value !== null) return value as CustomValue;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null)
    return value;
  return String(value);
}

function scalar(value: unknown): FieldValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}
