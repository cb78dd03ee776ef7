import { field, isRecord, records, stringMap } from './manifests';

/** A Kubernetes LabelSelector (matchLabels + matchExpressions), or the plain map a Service uses. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(selector)) return false;
  const isLabelSelector = 'matchLabels' in selector || 'matchExpressions' in selector;
  const matchLabels = stringMap(isLabelSelector ? selector['matchLabels'] : selector);
  for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== value) return false;
  if (!isLabelSelector) return true;
  for (const expression of records(selector['matchExpressions'])) {
    const key = String(expression['key']);
    const values = Array.isArray(expression['values']) ? expression['values'].map(String) : [];
    const has = key in labels;
    const value = labels[key];
    switch (expression['operator']) {
      case 'In':
        if (!has || value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** True when the selector selects nothing-specific: `{}` matches every pod. */
export function isEmptySelector(selector: unknown): boolean {
  return (
    isRecord(selector) &&
    Object.keys(stringMap(field(selector, 'matchLabels'))).length === 0 &&
    records(field(selector, 'matchExpressions')).length === 0
  );
}
