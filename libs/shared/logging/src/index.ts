export { createLogger, redactPaths, SECRET_KEYS, type Logger, type LoggerSettings } from './lib/logger';
