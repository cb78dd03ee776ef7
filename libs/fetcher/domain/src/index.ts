export {
  decideCompany,
  decideConfiguration,
  decideContact,
  fetchedEventType,
  kindsToRead,
  removedEventType,
  shouldEmit,
  snapshotId,
  watermarkId,
  type DecisionOptions,
  type RecordDecision,
} from './lib/change-detection';
export { canonicalJson, contentHash, VOLATILE_FIELDS } from './lib/content-hash';
export { FetchTally, nextWatermark, type DiscoveredType, type FetchOutcome } from './lib/fetch-tally';
export type * from './lib/manage-records';
export {
  companyStatusIndex,
  configurationLookups,
  MAX_NOTES_LENGTH,
  notesOf,
  toCompanySnapshot,
  toConfigurationSnapshot,
  toContactSnapshot,
  type CompanyStatusIndex,
  type ConfigurationLookups,
  type SnapshotResult,
} from './lib/snapshots';
export * from './lib/callbacks';
export {
  cappedWatermark,
  dailySlot,
  dueSlots,
  leaseStillHeld,
  leaseVerdict,
  minutesOfDay,
  nextRuns,
  periodicSlot,
  pollSlot,
  reconcileSlot,
  scheduledCommandVerdict,
  scheduledRunId,
  slotId,
  type ContinuousSchedule,
  type LeaseVerdict,
  type ReconcileSchedule,
  type RunLease,
  type ScheduleKind,
  type ScheduledCommandVerdict,
  type ScheduledSlot,
  type Slot,
} from './lib/schedule';
