import { createHash } from 'node:crypto';

/**
 * Mapped values: what the importer writes into one Hudu record, flattened to `field → value`.
 * Company fields use Hudu's attribute names (`name`, `id_number`, …); asset fields use the top-level
 * attribute names (`name`, `primary_serial`, …) and `custom:<snake_case label>` for layout fields.
 */
export type FieldValue = string | number | boolean | null;
export type MappedFields = Record<string, FieldValue>;

/** Empty: absent, null, or a string of only whitespace. `false` and `0` are values. */
export function isEmpty(value: FieldValue | undefined): value is null | undefined | '' {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A trimmed string, or null when blank. */
export function text(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** Values compare as equal when both are empty, or equal after trimming strings. */
export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (isEmpty(a) || isEmpty(b)) return false;
  if (typeof a === 'string' && typeof b === 'string') return a.trim() === b.trim();
  return a === b;
}

/** A stable hash of mapped values (key order and empty values do not matter). */
export function hashFields(fields: MappedFields): string {
  const canonical = Object.keys(fields)
    .filter((key) => !isEmpty(fields[key]))
    .sort()
    .map((key) => [key, fields[key]]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 32);
}

/** Label comparison: case-insensitive, whitespace and underscores collapsed. */
export function labelKey(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ');
}

/** How Hudu keys custom_fields: `Serial Number` → `serial_number`. */
export function customFieldKey(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '_');
}

export const CUSTOM_PREFIX = 'custom:';
