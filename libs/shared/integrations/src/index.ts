export { IntegrationExistsError, IntegrationNotFoundError, IntegrationStore } from './lib/integration-store';
export {
  integrationIdPattern,
  integrationOptionsSchema,
  integrationPatchSchema,
  isAllowedOutboundUrl,
  matchPolicySchema,
  newIntegrationSchema,
  type IntegrationCredentials,
  type IntegrationOptions,
  type IntegrationPatch,
  type IntegrationView,
  type NewIntegration,
} from './lib/settings';
export { RunStore, type RunError, type RunStage, type RunView } from './lib/run-store';
export {
  COUNT_STAGES,
  runProgress,
  type CountStage,
  type OutcomeCounts,
  type RunProgress,
  type StageProgress,
} from './lib/run-progress';
export {
  ScheduleStore,
  type ScheduleKind,
  type ScheduleSlot,
  type ScheduleSlotView,
} from './lib/schedule-store';
export {
  continuousSyncOf,
  continuousSyncPatchSchema,
  continuousSyncSchema,
  dailyTimePattern,
  defaultContinuousSync,
  reconcileScheduleSchema,
  type ContinuousSyncPatch,
  type ContinuousSyncSettings,
  type ReconcileSchedule,
} from './lib/settings';
