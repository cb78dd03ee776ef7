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
