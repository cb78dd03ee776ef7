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
