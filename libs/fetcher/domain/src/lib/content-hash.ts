import { createHash } from 'node:crypto';

/**
 * Fields that change without the content changing: Manage bumps `lastUpdated` on every save (and on a
 * simulator `touch`), so a record saved with the same values keeps its hash and is not re-emitted.
 */
export const VOLATILE_FIELDS: readonly string[] = ['lastUpdated'];

/**
 * Canonical JSON: object keys sorted (recursively), `undefined` members left out, arrays in order.
 * Two snapshots with the same content give the same text whatever the order their fields were set in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value)) ?? 'null';
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : canonical(item)));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = canonical(member);
    }
    return out;
  }
  return value;
}

/** sha256 (lowercase hex) of a snapshot's canonical JSON without its volatile top-level fields. */
export function contentHash(snapshot: Record<string, unknown>): string {
  const stable: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(snapshot)) {
    if (!VOLATILE_FIELDS.includes(key)) stable[key] = value;
  }
  return createHash('sha256').update(canonicalJson(stable), 'utf8').digest('hex');
}
