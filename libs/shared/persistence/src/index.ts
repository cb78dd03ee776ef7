export {
  connectDatabase,
  DatabaseUnavailableError,
  describeMongoUrl,
  isDuplicateKeyError,
  pingDatabase,
  type DatabaseSettings,
} from './lib/database';
