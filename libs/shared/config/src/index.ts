export { ConfigError, loadConfig, type Environment } from './lib/load-config';
export {
  booleanFlag,
  brokerList,
  logLevel,
  mongoUrl,
  port,
  positiveInt,
  serviceEnvironment,
  serviceEnvironmentSchema,
  type ServiceEnvironment,
} from './lib/variables';
