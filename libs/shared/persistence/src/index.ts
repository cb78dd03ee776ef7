export {
  connectDatabase,
  DATABASE_CHANNELS,
  type DatabaseCommandFact,
  DatabaseUnavailableError,
  describeMongoUrl,
  duplicateKeyPositions,
  isDuplicateKeyError,
  pingDatabase,
  type DatabaseSettings,
} from './lib/database';
export { keyedId, migrateToKeyedIds, type KeyedIdMigration } from './lib/keyed-ids';
