export {
  HuduClient,
  HUDU_DEFAULT_PAGE_SIZE,
  parseHuduBaseUrl,
  type HuduClientOptions,
  type HuduClientStats,
} from './lib/hudu-client';
export {
  DEFAULT_BUDGET,
  RequestBudget,
  resetSharedBudgets,
  sharedBudget,
  type BudgetSettings,
  type BudgetStats,
} from './lib/budget';
export {
  HuduApiError,
  HuduError,
  HuduPaginationError,
  huduMessageOf,
  type HuduFailureKind,
} from './lib/errors';
export * from './lib/types';
export {
  HUDU_CHANNELS,
  huduRouteTemplate,
  type HuduBudgetWaitFact,
  type HuduCallFact,
  type HuduRateLimitedFact,
} from './lib/diagnostics';
