/**
 * Errors of the Hudu client. They carry the method, the request path (no query string: filters can hold
 * customer names), the status and Hudu's own message. They never carry the API key or request headers.
 */
export class HuduError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export type HuduFailureKind =
  /** Hudu answered with an error status. */
  | 'http'
  /** No answer in time. */
  | 'timeout'
  /** The connection failed. */
  | 'network'
  /** An answer that is not what Hudu sends for this call. */
  | 'unexpected-response';

export class HuduApiError extends HuduError {
  readonly method: string;
  readonly path: string;
  /** HTTP status; undefined for timeouts and network failures. */
  readonly status: number | undefined;
  /** Hudu's message, e.g. `Validation failed: Name has already been taken` or `Bad credentials`. */
  readonly huduMessage: string;
  readonly kind: HuduFailureKind;
  /** Attempts made, retries included. */
  readonly attempts: number;
  /** Whether trying again later can help (429, 5xx, timeouts, network). */
  readonly retryable: boolean;

  constructor(details: {
    method: string;
    path: string;
    status?: number;
    huduMessage: string;
    kind: HuduFailureKind;
    attempts: number;
  }) {
    const what = details.status === undefined ? details.kind : `${details.status}`;
    super(`Hudu ${details.method} ${details.path} failed (${what}): ${details.huduMessage}`);
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.huduMessage = details.huduMessage;
    this.kind = details.kind;
    this.attempts = details.attempts;
    this.retryable =
      details.kind === 'timeout' ||
      details.kind === 'network' ||
      details.status === 429 ||
      (details.status !== undefined && details.status >= 500);
  }
}

/** A list that stopped making progress: a page came back identical to an earlier one. */
export class HuduPaginationError extends HuduError {
  constructor(
    readonly path: string,
    readonly page: number,
    readonly repeatsPage: number,
  ) {
    super(
      `Hudu ${path}: page ${page} returned the same records as page ${repeatsPage}; ` +
        'the server is not honouring `page`, stopping instead of looping',
    );
  }
}

/** Hudu's error bodies come in several shapes; this reads any of them into one line. */
export function huduMessageOf(body: unknown, fallback: string): string {
  if (typeof body === 'string') {
    const text = body.trim();
    if (text === '') return fallback;
    if (text.startsWith('<')) return fallback; // Rails' HTML error pages
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  }
  if (typeof body !== 'object' || body === null) return fallback;
  const record = body as Record<string, unknown>;
  const parts: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.trim() !== '') parts.push(value.trim());
    else if (Array.isArray(value)) for (const item of value) add(item);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (Array.isArray(inner)) for (const item of inner) add(`${key} ${String(item)}`);
        else add(inner);
      }
    }
  };
  const head = record['error'] ?? record['message'];
  if (typeof head === 'string') parts.push(head);
  const tail = [...parts];
  parts.length = 0;
  add(record['details']);
  add(record['errors']);
  const rest = parts;
  if (tail.length === 0 && rest.length === 0) return fallback;
  if (tail.length === 0) return rest.join('; ');
  return rest.length === 0 ? tail.join('; ') : `${tail.join('; ')}: ${rest.join('; ')}`;
}
