export {
  API_PREFIX,
  buildHuduSimulator,
  CONTROL_PREFIX,
  LIST_QUERY_PARAMETERS,
  type HuduSimulator,
  type HuduSimulatorOptions,
  type PagingQuirks,
} from './lib/simulator';
export { DEFAULT_RATE_LIMIT, type CounterEntry, type FaultRule, type RateLimitSettings } from './lib/traffic';
export type { AssetLayoutRecord, AssetRecord, CompanyRecord, IntegrationRecord } from './lib/store';
