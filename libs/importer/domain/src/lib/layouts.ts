import { labelKey } from './values';

/** What the importer needs to know of a Hudu asset layout. */
export interface LayoutField {
  label: string;
  field_type: string;
  is_destroyed?: boolean | null;
}

export interface Layout {
  id: number;
  name: string;
  active: boolean;
  fields: readonly LayoutField[];
}

export type AssetKind = 'configuration' | 'contact';

export type LayoutResolution =
  { ok: true; layout: Layout } | { ok: false; reason: string; problem: 'missing' | 'inactive' };

/**
 * Finds the configured layout (a numeric id, or a name compared case- and space-insensitively) among
 * Hudu's layouts. A missing or inactive layout blocks its kind; the reason names the layout.
 */
export function resolveLayout(
  kind: AssetKind,
  configured: string,
  layouts: readonly Layout[],
): LayoutResolution {
  const wanted = configured.trim();
  const byId = /^\d+$/.test(wanted) ? layouts.find((l) => l.id === Number(wanted)) : undefined;
  const byName = layouts.filter((l) => labelKey(l.name) === labelKey(wanted));
  const layout = byId ?? byName.find((l) => l.active) ?? byName[0];
  const what = `the ${kind} asset layout "${configured}"`;
  if (!layout) {
    return {
      ok: false,
      problem: 'missing',
      reason: `${capitalise(what)} does not exist in Hudu: create it (or choose another) to import ${kind}s`,
    };
  }
  if (!layout.active) {
    return {
      ok: false,
      problem: 'inactive',
      reason: `${capitalise(what)} (id ${layout.id}) is inactive in Hudu: activate it to import ${kind}s`,
    };
  }
  return { ok: true, layout };
}

function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
