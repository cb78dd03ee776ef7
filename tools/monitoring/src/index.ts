export { checkConsistency, type ConsistencyReport } from './lib/consistency';
export { checkDashboard, type DashboardCheck, type PanelQuery } from './lib/dashboard';
export { exposedMetrics, isExposed, metricNamesIn } from './lib/promql';
export { checkRules, type RuleQuery, type RulesCheck } from './lib/rules';
