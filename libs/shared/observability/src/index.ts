export {
  startTelemetry,
  UNDICI_SETTINGS,
  UNTRACED_PATHS,
  type Telemetry,
  type TelemetrySettings,
} from './lib/telemetry';
export {
  telemetryFromEnvironment,
  type BatchSettings,
  type EnvironmentTelemetry,
  type OtlpProtocol,
} from './lib/settings';
