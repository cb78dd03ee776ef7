export { backoffDelay, type BackoffSettings } from '@cw-hudu-sync/retry';

/**
 * How a handler tells the consumer what kind of failure it hit.
 * - PermanentFailure: retrying cannot help (bad data, a rejected record): dead-letter at once.
 * - RetryLater: transient, with a hint of when to try again (e.g. an HTTP Retry-After).
 * Any other error is treated as transient and retried with backoff up to the attempt limit.
 */
export class PermanentFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentFailure';
  }
}

export class RetryLater extends Error {
  constructor(
    message: string,
    public readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetryLater';
  }
}

function isControl(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code < 0xa0);
}

/** A short, single-line description of an error, safe for a dead-letter header. */
export function reasonOf(error: unknown, max = 900): string {
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}`
      : typeof error === 'string'
        ? error
        : JSON.stringify(error);
  const oneLine = [...(text ?? 'unknown error').replace(/[\r\n\t]+/g, ' ')]
    .map((ch) => (isControl(ch) ? '?' : ch))
    .join('');
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}
