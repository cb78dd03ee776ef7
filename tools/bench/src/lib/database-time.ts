/**
 * Where the services' database time went: the `cwhs_database_command_seconds` histogram of each service's
 * /metrics, summed by command and collection. The database is the usual bottleneck on the local stack
 * (FerretDB 1.x), so the throughput report names its most expensive commands.
 */
export interface DatabaseTime {
  service: string;
  command: string;
  collection: string;
  calls: number;
  seconds: number;
}

const SERIES = 'cwhs_database_command_seconds';

/** The service's database commands from a Prometheus text scrape, most time first. */
export function databaseTimeFrom(service: string, scrape: string): DatabaseTime[] {
  const rows = new Map<string, DatabaseTime>();
  for (const line of scrape.split('\n')) {
    const match = /^([a-z_]+)\{(.*)\}\s+(\S+)$/.exec(line);
    if (!match || (match[1] !== `${SERIES}_sum` && match[1] !== `${SERIES}_count`)) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      if (pair[1]) labels[pair[1]] = pair[2] ?? '';
    const command = labels['command'] ?? 'unknown';
    const collection = labels['collection'] ?? 'none';
    const key = `${command}\u0000${collection}`;
    const row = rows.get(key) ?? { service, command, collection, calls: 0, seconds: 0 };
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    if (match[1].endsWith('_sum')) row.seconds += value;
    else row.calls += value;
    rows.set(key, row);
  }
  return [...rows.values()].filter((r) => r.calls > 0).sort((a, b) => b.seconds - a.seconds);
}

/** The `limit` most expensive commands over all services. */
export function topDatabaseTime(rows: readonly DatabaseTime[], limit = 12): DatabaseTime[] {
  return [...rows].sort((a, b) => b.seconds - a.seconds).slice(0, limit);
}
