export { startTelemetry, type TelemetrySettings } from './lib/telemetry';
