import { parse } from 'yaml';

/**
 * A Prometheus Operator PrometheusRule: its alert expressions, and what makes an alert unusable for
 * the person paged (no severity, summary, description or runbook note).
 */
export interface RuleQuery {
  alert: string;
  expr: string;
}

export interface RulesCheck {
  queries: RuleQuery[];
  problems: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const filled = (value: unknown) => typeof value === 'string' && value.trim() !== '';
const SEVERITIES = new Set(['critical', 'warning', 'info']);

export function checkRules(text: string): RulesCheck {
  const problems: string[] = [];
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    return { queries: [], problems: [`rules are not YAML: ${(error as Error).message}`] };
  }
  if (!isObject(document)) return { queries: [], problems: ['rules are not a YAML mapping'] };
  if (document['apiVersion'] !== 'monitoring.coreos.com/v1')
    problems.push('apiVersion is not monitoring.coreos.com/v1');
  if (document['kind'] !== 'PrometheusRule') problems.push('kind is not PrometheusRule');
  const metadata = document['metadata'];
  if (!isObject(metadata) || !filled(metadata['name'])) problems.push('metadata.name is missing');
  const spec = document['spec'];
  const groups = isObject(spec) && Array.isArray(spec['groups']) ? spec['groups'] : [];
  if (groups.length === 0) problems.push('spec.groups is empty');
  const queries: RuleQuery[] = [];
  for (const group of groups) {
    if (!isObject(group) || !filled(group['name'])) {
      problems.push('a rule group has no name');
      continue;
    }
    const rules = Array.isArray(group['rules']) ? group['rules'] : [];
    for (const rule of rules) {
      if (!isObject(rule)) continue;
      const name = filled(rule['alert'])
        ? String(rule['alert'])
        : filled(rule['record'])
          ? String(rule['record'])
          : '';
      if (name === '') {
        problems.push(`a rule of group ${String(group['name'])} has neither alert nor record`);
        continue;
      }
      const expr = rule['expr'];
      if (!filled(expr)) problems.push(`${name} has no expr`);
      else queries.push({ alert: name, expr: String(expr) });
      if (!filled(rule['alert'])) continue;
      const labels = isObject(rule['labels']) ? rule['labels'] : {};
      if (!SEVERITIES.has(String(labels['severity'])))
        problems.push(`${name} has no severity (critical, warning, info)`);
      const annotations = isObject(rule['annotations']) ? rule['annotations'] : {};
      for (const key of ['summary', 'description', 'runbook']) {
        if (!filled(annotations[key])) problems.push(`${name} has no ${key} annotation`);
      }
    }
  }
  return { queries, problems };
}
