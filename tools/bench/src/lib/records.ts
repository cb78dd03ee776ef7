/** Pure comparisons of Hudu's state with the expectation computed from the dataset. */

export interface ExpectedCompanyLike {
  identifier: string;
  configurations: Array<{ name: string }>;
  contacts: Array<{ name: string }>;
}

export interface HuduStateLike {
  companies: Array<{ id: number; id_number?: string | null }>;
  assets: Array<{ company_id: number; name: string; archived: boolean }>;
}

/** Companies + assets an expectation holds. */
export function expectedRecordCount(expected: readonly ExpectedCompanyLike[]): number {
  return expected.reduce((sum, c) => sum + 1 + c.configurations.length + c.contacts.length, 0);
}

/**
 * Expected records that are not in Hudu: a company missing by its identifier (Hudu `id_number`) loses
 * itself and all its assets; otherwise each expected asset name needs one live asset of that name in the
 * company (counted as a multiset: two expected assets of one name need two).
 */
export function lostRecords(expected: readonly ExpectedCompanyLike[], state: HuduStateLike): number {
  const companyByIdNumber = new Map<string, number>();
  for (const c of state.companies) if (c.id_number) companyByIdNumber.set(c.id_number, c.id);
  const namesByCompany = new Map<number, Map<string, number>>();
  for (const a of state.assets) {
    if (a.archived) continue;
    const names = namesByCompany.get(a.company_id) ?? new Map<string, number>();
    names.set(a.name, (names.get(a.name) ?? 0) + 1);
    namesByCompany.set(a.company_id, names);
  }
  let lost = 0;
  for (const company of expected) {
    const assets = [...company.configurations, ...company.contacts];
    const id = companyByIdNumber.get(company.identifier);
    if (id === undefined) {
      lost += 1 + assets.length;
      continue;
    }
    const names = new Map(namesByCompany.get(id) ?? []);
    for (const asset of assets) {
      const left = names.get(asset.name) ?? 0;
      if (left > 0) names.set(asset.name, left - 1);
      else lost++;
    }
  }
  return lost;
}

/** Evenly spaced picks: `count` items out of `items`, first one included (deterministic, spread out). */
export function spread<T>(items: readonly T[], count: number): T[] {
  if (count <= 0 || items.length === 0) return [];
  if (count >= items.length) return [...items];
  const step = items.length / count;
  return Array.from({ length: count }, (_, i) => items[Math.floor(i * step)] as T);
}

/** Splits `total` changes over kinds in proportion to their sizes (largest remainders; sums to `total`, or 0 when every size is 0). */
export function proportional(sizes: Record<string, number>, total: number): Record<string, number> {
  const all = Object.values(sizes).reduce((a, b) => a + b, 0);
  if (all === 0) return Object.fromEntries(Object.keys(sizes).map((kind) => [kind, 0]));
  const entries = Object.entries(sizes).map(([kind, size]) => {
    const exact = (size / all) * total;
    return { kind, whole: Math.floor(exact), remainder: exact - Math.floor(exact) };
  });
  let left = total - entries.reduce((sum, e) => sum + e.whole, 0);
  for (const e of [...entries].sort((a, b) => b.remainder - a.remainder)) {
    if (left <= 0) break;
    e.whole++;
    left--;
  }
  return Object.fromEntries(entries.map((e) => [e.kind, e.whole]));
}
