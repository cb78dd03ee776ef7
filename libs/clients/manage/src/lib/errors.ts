import type { ManageErrorBody } from './types';

/** Replaces every occurrence of the given secrets (and their base64 forms) in a text. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]) {
      if (form.length >= 4) out = out.split(form).join('[redacted]');
    }
  }
  return out;
}

/**
 * A call Manage answered with an error status. Carries the status and Manage's own code and message;
 * never the credentials (the private key only ever travels in the Authorization header, which is not kept).
 */
export class ManageApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly manageMessage: string | undefined;
  readonly errors: NonNullable<ManageErrorBody['errors']>;
  readonly method: string;
  readonly path: string;
  readonly retryable: boolean;

  constructor(init: {
    status: number;
    method: string;
    path: string;
    body: ManageErrorBody | undefined;
    secrets: readonly string[];
  }) {
    const body = init.body ?? {};
    const code = body.code ?? body.error;
    const details = (body.errors ?? [])
      .map((e) => `${e.field ? `${e.field}: ` : ''}${e.message ?? e.code ?? ''}`)
      .filter(Boolean)
      .join('; ');
    const text = `Manage ${init.method} ${init.path} answered ${init.status}${code ? ` ${code}` : ''}${body.message ? `: ${body.message}` : ''}${details ? ` (${details})` : ''}`;
    super(redact(text, init.secrets));
    this.name = 'ManageApiError';
    this.status = init.status;
    this.code = code;
    this.manageMessage = body.message === undefined ? undefined : redact(body.message, init.secrets);
    this.errors = (body.errors ?? []).map((e) => ({
      ...e,
      message: e.message === undefined ? undefined : redact(e.message, init.secrets),
    }));
    this.method = init.method;
    this.path = redact(init.path, init.secrets);
    this.retryable = init.status === 429 || init.status >= 500;
  }
}

/** The call never got an answer (network error, timeout) even after retries. */
export class ManageUnavailableError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'ManageUnavailableError';
  }
}

/** The client was configured wrongly (bad site URL, unknown company id, …). */
export class ManageConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManageConfigurationError';
  }
}
