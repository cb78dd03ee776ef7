/**
 * The pure arithmetic of the benchmarks: request counters by method and route template, their
 * differences between two moments, write counts, percentiles and ratios.
 */

/** Requests of one method on one route template with one answer status. */
export interface RouteCount {
  method: string;
  route: string;
  status: string;
  count: number;
}

/** What the Hudu simulator's `/_sim/counters` answers. */
export interface HuduCounterSnapshot {
  total: number;
  entries: Array<{ method: string; route: string; status: number | string; count: number }>;
}

export function fromHuduCounters(snapshot: HuduCounterSnapshot): RouteCount[] {
  return snapshot.entries.map((e) => ({
    method: e.method,
    route: e.route,
    status: String(e.status),
    count: e.count,
  }));
}

/**
 * The Manage simulator's `/_sim/counters` is a map of `"METHOD /route/template STATUS"` → count. Only API
 * requests are kept: the simulator's own control routes (`/_sim/...`) are the benchmark talking, not a
 * client of Manage.
 */
export function fromManageCounters(counters: Record<string, number>): RouteCount[] {
  const rows: RouteCount[] = [];
  for (const [key, count] of Object.entries(counters)) {
    const match = /^(\S+) (.+) (\S+)$/.exec(key);
    if (!match) continue;
    const [, method = '', route = '', status = ''] = match;
    if (route.startsWith('/_sim')) continue;
    rows.push({ method, route: manageRouteLabel(route), status, count });
  }
  return mergeCounts(rows);
}

/** `/:codebase/apis/3.0/company/companies` → `/company/companies` (the codebase is not part of the API). */
export function manageRouteLabel(route: string): string {
  return route.replace(/^\/:codebase\/apis\/3\.0/, '');
}

/** `/api/v1/companies/:company_id/assets` → `/companies/:company_id/assets`. */
export function huduRouteLabel(route: string): string {
  return route.replace(/^\/api\/v1/, '');
}

/**
 * A concrete request path as its route template: numeric segments become `:id`, and the segment after
 * `companies/` in an asset path becomes `:company_id` (the Hudu simulator's own template names).
 */
export function routeTemplate(path: string): string {
  const bare = path.split('?')[0] ?? '';
  const parts = bare.split('/');
  return parts
    .map((part, i) => {
      if (!/^\d+$/.test(part)) return part;
      const next = parts[i + 1];
      return parts[i - 1] === 'companies' && next === 'assets' ? ':company_id' : ':id';
    })
    .join('/');
}

function keyOf(row: Pick<RouteCount, 'method' | 'route' | 'status'>) {
  return `${row.method} ${row.route} ${row.status}`;
}

export function mergeCounts(rows: RouteCount[]): RouteCount[] {
  const merged = new Map<string, RouteCount>();
  for (const row of rows) {
    const key = keyOf(row);
    const entry = merged.get(key) ?? { ...row, count: 0 };
    entry.count += row.count;
    merged.set(key, entry);
  }
  return sortCounts([...merged.values()]);
}

export function sortCounts(rows: RouteCount[]): RouteCount[] {
  return [...rows].sort(
    (a, b) =>
      a.route.localeCompare(b.route) || a.method.localeCompare(b.method) || a.status.localeCompare(b.status),
  );
}

/** Requests made between two snapshots (`after - before`), rows that did not change left out. */
export function diffCounts(before: RouteCount[], after: RouteCount[]): RouteCount[] {
  const earlier = new Map(before.map((r) => [keyOf(r), r.count]));
  const rows: RouteCount[] = [];
  for (const row of after) {
    const count = row.count - (earlier.get(keyOf(row)) ?? 0);
    if (count !== 0) rows.push({ ...row, count });
  }
  return sortCounts(rows);
}

export const totalOf = (rows: RouteCount[]) => rows.reduce((sum, r) => sum + r.count, 0);

/** Writes are every request that is not a read (GET/HEAD), whatever it answered. */
export const isWrite = (row: Pick<RouteCount, 'method'>) => row.method !== 'GET' && row.method !== 'HEAD';

export const writesOf = (rows: RouteCount[]) => totalOf(rows.filter(isWrite));

export const tooManyRequestsOf = (rows: RouteCount[]) => totalOf(rows.filter((r) => r.status === '429'));

/** Requests by `METHOD route` (statuses added together), the mix a floor replays. */
export function byRoute(rows: RouteCount[]): Array<{ method: string; route: string; count: number }> {
  const merged = new Map<string, { method: string; route: string; count: number }>();
  for (const row of rows) {
    const key = `${row.method} ${row.route}`;
    const entry = merged.get(key) ?? { method: row.method, route: row.route, count: 0 };
    entry.count += row.count;
    merged.set(key, entry);
  }
  return [...merged.values()].sort(
    (a, b) => a.route.localeCompare(b.route) || a.method.localeCompare(b.method),
  );
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; undefined for no values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile must be within 0..100 (got ${p})`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** `numerator / denominator`, or undefined when the denominator is 0 (a ratio to nothing is no ratio). */
export function ratio(numerator: number, denominator: number): number | undefined {
  if (denominator === 0) return undefined;
  return numerator / denominator;
}

/** The least time `calls` requests can take under `limitPerMinute`, in ms. */
export function rateLimitFloorMs(calls: number, limitPerMinute: number): number {
  if (!(limitPerMinute > 0)) throw new Error('the rate limit must be positive');
  return (calls / limitPerMinute) * 60_000;
}

/**
 * The least time `calls` requests can take under a fixed, epoch-aligned window limiter (Hudu's
 * Rack::Attack throttle), starting at `startMs` with `usedInFirstWindow` requests already counted in the
 * window of the start: the last call can go out at the start of the window that holds it. For a run of a
 * few windows this is far below `calls ÷ limit` (a window boundary lets two windows' worth through at once).
 */
export function fixedWindowFloorMs(
  calls: number,
  limit: number,
  windowMs: number,
  startMs: number,
  usedInFirstWindow = 0,
): number {
  if (!(limit > 0) || !(windowMs > 0)) throw new Error('the limit and the window must be positive');
  if (calls <= 0) return 0;
  const first = Math.floor(startMs / windowMs);
  const window = first + Math.floor((calls - 1 + usedInFirstWindow) / limit);
  return Math.max(0, window * windowMs - startMs);
}

export function perSecond(count: number, durationMs: number): number | undefined {
  if (durationMs <= 0) return undefined;
  return count / (durationMs / 1000);
}
