/**
 * The sum of the samples of `series` in a Prometheus text scrape whose labels include `labels`, or
 * undefined when there is none.
 */
export function sampleSum(
  text: string,
  series: string,
  labels: Record<string, string> = {},
): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== series) continue;
    const found: Record<string, string> = {};
    for (const pair of (match[3] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      if (pair[1]) found[pair[1]] = pair[2] ?? '';
    }
    if (!Object.entries(labels).every(([key, value]) => found[key] === value)) continue;
    total = (total ?? 0) + Number(match[4]);
  }
  return total;
}
