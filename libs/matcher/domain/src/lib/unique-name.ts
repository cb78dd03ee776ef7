/**
 * A name for a new Hudu company that no existing Hudu company has (Hudu rejects a duplicate company name;
 * Manage allows them):
 *  1. the Manage name itself (trimmed, inner whitespace collapsed; the identifier if the name is blank), when free;
 *  2. else `<name> (<identifier>)`, the Manage identifier telling the two apart for people too;
 *  3. else `<name> (<identifier>) (2)`, `(3)`, … the first free number.
 * Names compare trimmed and case-insensitively (NFKC), stricter than Hudu may be, so a name we pick is
 * never refused. Archived Hudu companies count: they keep their names. Deterministic for the same input.
 */
export function uniqueHuduName(name: string, identifier: string, existingNames: Iterable<string>): string {
  const taken = new Set<string>();
  for (const existing of existingNames) taken.add(nameKey(existing));
  const isFree = (candidate: string) => !taken.has(nameKey(candidate));

  const id = tidy(identifier);
  const base = tidy(name) || id; // a nameless company is called by its identifier
  if (isFree(base)) return base;
  const qualified = id === '' || base === id || base.endsWith(`(${id})`) ? base : `${base} (${id})`;
  if (isFree(qualified)) return qualified;
  for (let n = 2; ; n++) {
    const numbered = `${qualified} (${n})`;
    if (isFree(numbered)) return numbered;
  }
}

function tidy(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function nameKey(name: string): string {
  return tidy(name.normalize('NFKC')).toLowerCase();
}
