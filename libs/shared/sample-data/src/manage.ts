// Manage-side sample data (companies, statuses, configuration types, configurations, contacts).
export * from './lib/manage-records';
export {
  manageDataset,
  manageDatasetSizes,
  manageDate,
  MANAGE_FIRST_CONFIGURATION_ID,
  MANAGE_FIRST_CONTACT_ID,
  type ManageDataset,
  type ManageDatasetOptions,
  type ManageDatasetSize,
} from './lib/manage-dataset';
export {
  expectedContactName,
  expectedHuduState,
  type ExpectedAsset,
  type ExpectedCompany,
  type ExpectedSyncOptions,
} from './lib/expected-hudu-state';
