import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Property names whose values are secrets wherever they appear. Keep this list the single source:
 * the redaction below and the tests derive from it.
 */
export const SECRET_KEYS = [
  'privateKey',
  'private_key',
  'apiKey',
  'api_key',
  'huduApiKey',
  'password',
  'secret',
  'token',
  'authorization',
  'Authorization',
  'x-api-key',
  'cookie',
  'encryptionKey',
] as const;

const CENSOR = '[redacted]';

/** Pino redact paths: the key at the top level and up to three levels deep (pino has no recursive wildcard). */
export function redactPaths(keys: readonly string[] = SECRET_KEYS): string[] {
  const paths: string[] = [];
  for (const key of keys) {
    const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const join = (prefix: string) => (k.startsWith('[') ? `${prefix}${k}` : `${prefix}.${k}`);
    paths.push(k.startsWith('[') ? k.slice(2, -2) : k, join('*'), join('*.*'), join('*.*.*'));
  }
  return paths;
}

export interface LoggerSettings {
  service: string;
  level?: LoggerOptions['level'];
  /** Where lines go; defaults to stdout. Tests pass a stream to capture lines. */
  destination?: DestinationStream;
  /** Extra fields on every line. */
  base?: Record<string, unknown>;
}

/**
 * `trace_id`/`span_id` of the active span on every line logged inside one, so a log line leads to its
 * trace (and back). Without an OpenTelemetry SDK there is no active span and nothing is added.
 */
export function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const context = span.spanContext();
  if (!isSpanContextValid(context)) return {};
  return {
    trace_id: context.traceId,
    span_id: context.spanId,
    trace_flags: `0${context.traceFlags.toString(16)}`,
  };
}

/** One JSON logger per service. Secrets are redacted by key wherever they sit in a logged object. */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: settings.service, pid: process.pid, ...settings.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths(), censor: CENSOR },
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    mixin: traceFields,
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

export type { Logger } from 'pino';
