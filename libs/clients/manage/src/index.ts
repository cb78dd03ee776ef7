export {
  ManageClient,
  latestLastUpdated,
  linkHeader,
  manageRequiredPermissions,
  validateSiteUrl,
  type ListOptions,
  type ManageClientOptions,
  type Page,
  type PagingMode,
  type PermissionReport,
  type PermissionRequirement,
} from './lib/manage-client';
export { allOf, conditionDate, conditionString } from './lib/conditions';
export { ManageApiError, ManageConfigurationError, ManageUnavailableError } from './lib/errors';
export * from './lib/types';
export { MANAGE_CHANNELS, manageRouteTemplate, type ManageCallFact } from './lib/diagnostics';
