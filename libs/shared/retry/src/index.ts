export { backoffDelay, parseRetryAfter, type BackoffSettings } from './lib/backoff';
