/**
 * The admin and matcher HTTP APIs as the CLI uses them: bearer token, JSON, and the APIs' problem bodies
 * (`{ error, reasons }`) turned into an ApiError whose message an admin can act on.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly reasons: readonly string[],
  ) {
    super(message);
  }
}

export interface ApiClientSettings {
  baseUrl: string;
  token: string;
  /** What this API is, for messages ("admin API", "matcher API"). */
  label: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class ApiClient {
  private readonly fetch: typeof fetch;
  constructor(private readonly settings: ApiClientSettings) {
    this.fetch = settings.fetch ?? fetch;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.settings.baseUrl);
    let response: Response;
    try {
      response = await this.fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.settings.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const cause =
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
      throw new ApiError(0, `the ${this.settings.label} at ${url.origin} cannot be reached (${cause})`, []);
    }
    const text = await response.text();
    if (!response.ok) throw problemOf(response.status, text, this.settings.label);
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(
        response.status,
        `the ${this.settings.label} answered something that is not JSON`,
        [],
      );
    }
  }
}

/** The API's `{ error, reasons }` body as an ApiError; anything else as the status alone (never the body). */
export function problemOf(status: number, text: string, label: string): ApiError {
  let error: string | undefined;
  let reasons: string[] = [];
  try {
    const body = JSON.parse(text) as { error?: unknown; reasons?: unknown };
    if (typeof body.error === 'string') error = body.error;
    if (Array.isArray(body.reasons)) reasons = body.reasons.filter((r): r is string => typeof r === 'string');
  } catch {
    // not JSON: fall through to the status
  }
  const hint =
    status === 401
      ? ' (check CWHS_ADMIN_TOKEN)'
      : status === 503 && !error
        ? ' (the service is starting or cannot reach Kafka/MongoDB)'
        : '';
  return new ApiError(status, `${label} answered ${status}: ${error ?? 'request failed'}${hint}`, reasons);
}
