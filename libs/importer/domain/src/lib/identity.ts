import type { AssetKind } from './layouts';
import { type MappedFields, text } from './values';

/** What the adoption rule looks at in an existing Hudu asset. */
export interface AssetCandidate {
  id: number;
  company_id: number;
  asset_layout_id: number;
  name: string;
  primary_serial: string | null;
  primary_mail: string | null;
  archived?: boolean;
  created_at?: string;
}

const fold = (value: string | null | undefined) =>
  (text(value) ?? '').normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');

/**
 * An existing asset to adopt instead of creating one: in the same company and layout, with the same name
 * and a non-empty key that agrees — the serial for configurations; for contacts the e-mail, when it is
 * unique among the company's contacts in that layout. A blank serial or e-mail is never a key. More than
 * one candidate: none is adopted (an ambiguity is not resolved by guessing).
 */
export function findAdoptable(
  kind: AssetKind,
  mapped: MappedFields,
  target: { companyId: number; layoutId: number },
  candidates: readonly AssetCandidate[],
): AssetCandidate | undefined {
  const inLayout = candidates.filter(
    (c) => c.company_id === target.companyId && c.asset_layout_id === target.layoutId,
  );
  const name = fold(stringOf(mapped['name']));
  if (name === '') return undefined;
  const keyField = kind === 'configuration' ? 'primary_serial' : 'primary_mail';
  const key = fold(stringOf(mapped[keyField]));
  if (key === '') return undefined;
  const sameKey = inLayout.filter((c) => fold(c[keyField]) === key);
  if (kind === 'contact' && sameKey.length !== 1) return undefined;
  const matches = sameKey.filter((c) => fold(c.name) === name);
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * After a crash between a create in Hudu and recording it: the asset created then, found by company,
 * layout and name among assets created since the create was marked pending (with `skewMs` of slack).
 * Needed for records without a key (blank serial or e-mail), where the adoption rule finds nothing.
 */
export function findPendingCreate(
  mapped: MappedFields,
  target: { companyId: number; layoutId: number },
  pendingSince: Date,
  candidates: readonly AssetCandidate[],
  skewMs = 60_000,
): AssetCandidate | undefined {
  const name = fold(stringOf(mapped['name']));
  const since = pendingSince.getTime() - skewMs;
  const matches = candidates.filter(
    (c) =>
      c.company_id === target.companyId &&
      c.asset_layout_id === target.layoutId &&
      fold(c.name) === name &&
      c.created_at !== undefined &&
      Date.parse(c.created_at) >= since,
  );
  return matches.length === 1 ? matches[0] : undefined;
}

function stringOf(value: MappedFields[string] | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * Which records of one batch may affect each other's adoption: two records can only adopt (or be taken
 * for) the same Hudu asset when they target the same company and layout and their names fold alike. Records
 * with different keys are imported side by side; records with one key one after the other.
 */
export function adoptionKey(mapped: MappedFields, target: { companyId: number; layoutId: number }): string {
  return `${target.companyId}:${target.layoutId}:${fold(stringOf(mapped['name']))}`;
}
