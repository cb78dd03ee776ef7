export { startPlatform, type Platform, type PlatformSettings } from './lib/platform';
export {
  buildServiceApp,
  type DependencyCheck,
  type ServiceDefinition,
  type ServiceState,
} from './lib/service-app';
export { runService, type RunSettings } from './lib/run-service';
export { hasBearerToken, requireBearerToken } from './lib/bearer-token';
export {
  FACT_CHANNELS,
  registerServiceMetrics,
  type ProductMetrics,
  type ServiceMetrics,
} from './lib/metrics';
export { CountedPublisher } from './lib/counted-publisher';
