/**
 * The metric names a PromQL expression reads. Not a full parser: it removes what cannot be a metric
 * name (string literals, label matchers, range and subquery durations, grouping label lists, Grafana
 * variables, numbers), then keeps identifiers that are not functions, keywords or aggregation operators.
 * A `{__name__="…"}` matcher names its metric too.
 */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
  'atan2',
]);

export function metricNamesIn(expr: string): string[] {
  const names = new Set<string>();
  // Metrics named through __name__ (only exact matches name one metric).
  for (const match of expr.matchAll(/__name__\s*=\s*"([A-Za-z_:][A-Za-z0-9_:]*)"/g)) {
    if (match[1]) names.add(match[1]);
  }
  let rest = expr
    // comments
    .replace(/#[^\n]*/g, ' ')
    // string literals (label values, label_replace arguments)
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    // label matchers
    .replace(/\{[^}]*\}/g, ' ')
    // range vectors and subqueries: [5m], [1h:5m], [$__rate_interval]
    .replace(/\[[^\]]*\]/g, ' ')
    // offset/@ modifiers
    .replace(/\boffset\s+-?[0-9a-z$_{}]+/gi, ' ')
    .replace(/@\s*(start\(\)|end\(\)|[0-9.]+)/g, ' ')
    // Grafana variables: $var, ${var}, ${var:raw}, [[var]]
    .replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[^\]]*\]\]/g, ' ');
  // grouping / matching label lists: by (a, b), without(a), on(a), ignoring(a), group_left(a)
  rest = rest.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  for (const match of rest.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)) {
    const [, identifier, call] = match;
    if (!identifier || call) continue; // a function or aggregation: `rate(`, `sum(`
    const start = match.index ?? 0;
    const before = rest[start - 1];
    // part of a number such as 1e3 or 0x1f
    if (before !== undefined && /[0-9.]/.test(before)) continue;
    if (KEYWORDS.has(identifier.toLowerCase())) continue;
    names.add(identifier);
  }
  return [...names].sort();
}

/** What a scrape of /metrics declares: metric name → type (from `# TYPE` lines). */
export function exposedMetrics(text: string): Map<string, string> {
  const exposed = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^# TYPE ([A-Za-z_:][A-Za-z0-9_:]*) (\w+)/.exec(line);
    if (match?.[1] && match[2]) exposed.set(match[1], match[2]);
  }
  return exposed;
}

const SERIES_SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/**
 * Whether a name used in a query is a series the exposed metrics produce: the metric itself, or
 * `_bucket`/`_sum`/`_count` of a histogram (`_sum`/`_count` of a summary).
 */
export function isExposed(name: string, exposed: Map<string, string>): boolean {
  if (exposed.has(name)) return true;
  for (const [type, suffixes] of Object.entries(SERIES_SUFFIXES)) {
    for (const suffix of suffixes) {
      if (name.endsWith(suffix) && exposed.get(name.slice(0, -suffix.length)) === type) return true;
    }
  }
  return false;
}
