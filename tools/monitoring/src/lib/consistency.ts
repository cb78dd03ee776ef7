import { checkDashboard } from './dashboard';
import { isExposed, metricNamesIn } from './promql';
import { checkRules } from './rules';

export interface ConsistencyReport {
  /** Every metric name a panel or a rule reads, with where it is read. */
  used: Map<string, string[]>;
  /** Problems: malformed files, panels without datasource or query, rules without notes, unknown metrics. */
  problems: string[];
}

/**
 * Checks the dashboard and the alert rules against what the services expose: every metric a panel or a
 * rule reads must be a series some service declares on /metrics.
 */
export function checkConsistency(
  files: { dashboard: string; rules: string },
  exposed: Map<string, string>,
): ConsistencyReport {
  const dashboard = checkDashboard(files.dashboard);
  const rules = checkRules(files.rules);
  const used = new Map<string, string[]>();
  const problems = [
    ...dashboard.problems.map((p) => `dashboard: ${p}`),
    ...rules.problems.map((p) => `rules: ${p}`),
  ];
  const note = (name: string, where: string) => used.set(name, [...(used.get(name) ?? []), where]);
  for (const { panel, expr } of dashboard.queries) {
    const names = metricNamesIn(expr);
    if (names.length === 0)
      problems.push(`dashboard: panel "${panel}" has a query that reads no metric: ${expr}`);
    for (const name of names) note(name, `panel "${panel}"`);
  }
  for (const { alert, expr } of rules.queries) {
    const names = metricNamesIn(expr);
    if (names.length === 0) problems.push(`rules: ${alert} reads no metric: ${expr}`);
    for (const name of names) note(name, `rule ${alert}`);
  }
  for (const [name, where] of [...used].sort(([a], [b]) => a.localeCompare(b))) {
    if (!isExposed(name, exposed))
      problems.push(`${name} is not exposed by any service (used by ${where.join(', ')})`);
  }
  return { used, problems };
}
