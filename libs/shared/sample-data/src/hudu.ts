// Hudu-side sample data (pre-existing companies, asset layouts).
export {
  HUDU_SEED_LAYOUTS,
  huduSeed,
  huduSeedAssetLayouts,
  type HuduFieldType,
  type HuduSeed,
  type HuduSeedAssetLayout,
  type HuduSeedCompany,
  type HuduSeedLayoutField,
  type HuduSeedManageCompany,
  type HuduSeedOptions,
} from './lib/hudu-seed';
