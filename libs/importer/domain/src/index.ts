export {
  CUSTOM_PREFIX,
  customFieldKey,
  hashFields,
  isEmpty,
  labelKey,
  sameValue,
  text,
  type FieldValue,
  type MappedFields,
} from './lib/values';
export {
  COMPANY_FIELDS,
  companyFields,
  isNameFromClashRule,
  mapCompany,
  uniqueCompanyName,
  type CompanyField,
  type CompanyValues,
} from './lib/company-mapping';
export {
  resolveLayout,
  type AssetKind,
  type Layout,
  type LayoutField,
  type LayoutResolution,
} from './lib/layouts';
export {
  assetInput,
  contactName,
  convert,
  currentAssetFields,
  DEFAULT_CONFIGURATION_FIELD_MAP,
  DEFAULT_CONTACT_FIELD_MAP,
  mapAsset,
  mapConfiguration,
  mapContact,
  type AssetInput,
  type CustomValue,
  type FieldMap,
  type FieldRule,
  type MappedAsset,
} from './lib/asset-mapping';
export { changedSinceLastWrite, planUpdate, type OwnershipInput, type UpdatePlan } from './lib/ownership';
export {
  planCompany,
  routeRecord,
  skipReason,
  type CompanyPlan,
  type CompanyStanding,
  type ImportOptions,
  type MatchDecision,
  type RecordRoute,
} from './lib/policies';
export { adoptionKey, findAdoptable, findPendingCreate, type AssetCandidate } from './lib/identity';
export { CountTally, roundsByKey, runChains } from './lib/batching';
