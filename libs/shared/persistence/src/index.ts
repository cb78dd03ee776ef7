export {
  connectDatabase,
  DATABASE_CHANNELS,
  type DatabaseCommandFact,
  DatabaseUnavailableError,
  describeMongoUrl,
  isDuplicateKeyError,
  pingDatabase,
  type DatabaseSettings,
} from './lib/database';
