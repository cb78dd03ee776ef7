/**
 * A Grafana dashboard's queries, and what makes a panel unusable: no datasource, a datasource that is
 * not the dashboard's datasource variable, or no query.
 */
export interface PanelQuery {
  panel: string;
  expr: string;
}

interface Panel {
  title?: unknown;
  type?: unknown;
  datasource?: unknown;
  targets?: unknown;
  panels?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function panelsOf(container: unknown): Panel[] {
  if (!isObject(container) || !Array.isArray(container['panels'])) return [];
  const panels: Panel[] = [];
  for (const panel of container['panels']) {
    if (!isObject(panel)) continue;
    panels.push(panel);
    panels.push(...panelsOf(panel)); // collapsed rows keep their panels inside
  }
  return panels;
}

/** Datasource variables of the dashboard (templating entries of type `datasource`). */
function datasourceVariables(dashboard: Record<string, unknown>): string[] {
  const templating = dashboard['templating'];
  const list = isObject(templating) && Array.isArray(templating['list']) ? templating['list'] : [];
  return list
    .filter((v): v is Record<string, unknown> => isObject(v) && v['type'] === 'datasource')
    .map((v) => String(v['name']));
}

const refersTo = (uid: unknown, variables: string[]) =>
  typeof uid === 'string' && variables.some((name) => uid === `$${name}` || uid === `\${${name}}`);

export interface DashboardCheck {
  queries: PanelQuery[];
  problems: string[];
}

/** Parses the dashboard JSON and checks every panel; rows are containers, not panels to query. */
export function checkDashboard(json: string): DashboardCheck {
  const problems: string[] = [];
  let dashboard: unknown;
  try {
    dashboard = JSON.parse(json);
  } catch (error) {
    return { queries: [], problems: [`dashboard is not JSON: ${(error as Error).message}`] };
  }
  if (!isObject(dashboard)) return { queries: [], problems: ['dashboard is not a JSON object'] };
  const variables = datasourceVariables(dashboard);
  if (variables.length === 0)
    problems.push('dashboard has no datasource variable (templating type "datasource")');
  if (typeof dashboard['uid'] !== 'string' || dashboard['uid'] === '') problems.push('dashboard has no uid');
  const queries: PanelQuery[] = [];
  const panels = panelsOf(dashboard).filter((p) => p.type !== 'row');
  if (panels.length === 0) problems.push('dashboard has no panels');
  for (const panel of panels) {
    const title = typeof panel.title === 'string' && panel.title !== '' ? panel.title : '(untitled)';
    if (title === '(untitled)') problems.push('a panel has no title');
    const datasource = panel.datasource;
    if (!isObject(datasource) || !refersTo(datasource['uid'], variables)) {
      problems.push(`panel "${title}" does not use the datasource variable`);
    }
    const targets = Array.isArray(panel.targets) ? panel.targets.filter(isObject) : [];
    const exprs = targets
      .map((t) => t['expr'])
      .filter((e): e is string => typeof e === 'string' && e.trim() !== '');
    if (exprs.length === 0) problems.push(`panel "${title}" has no query`);
    for (const target of targets) {
      if (
        target['datasource'] !== undefined &&
        !(isObject(target['datasource']) && refersTo(target['datasource']['uid'], variables))
      ) {
        problems.push(`a query of panel "${title}" does not use the datasource variable`);
      }
    }
    for (const expr of exprs) queries.push({ panel: title, expr });
  }
  return { queries, problems };
}
