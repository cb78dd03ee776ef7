/**
 * Manage's callback signing keys, fetched from the payload's `key_url` (only after the URL was found
 * trustworthy for the integration) and cached per URL. A signature that does not verify with a cached key
 * refetches the key once (Manage may have rotated it), at most every `refreshAfterMs` per URL, so forged
 * callbacks cannot turn the fetcher into a key-fetching loop.
 */
export class SigningKeyCache {
  private readonly keys = new Map<string, { key: string; fetchedAt: number }>();
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly settings: {
      /** Keys older than this are refetched before use. */
      ttlMs?: number;
      /** A mismatch refetches a key only if the cached one is older than this. */
      refreshAfterMs?: number;
      timeoutMs?: number;
      now?: () => number;
    } = {},
  ) {}

  /** The cached key for `keyUrl`, fetched if absent or expired. */
  async get(keyUrl: string, clientId?: string): Promise<string> {
    const now = (this.settings.now ?? Date.now)();
    const cached = this.keys.get(keyUrl);
    if (cached && now - cached.fetchedAt < (this.settings.ttlMs ?? 3_600_000)) return cached.key;
    return this.fetch(keyUrl, clientId);
  }

  /** After a mismatch: a fresh key if the cached one may be stale, else undefined (do not refetch). */
  async refresh(keyUrl: string, clientId?: string): Promise<string | undefined> {
    const now = (this.settings.now ?? Date.now)();
    const cached = this.keys.get(keyUrl);
    if (cached && now - cached.fetchedAt < (this.settings.refreshAfterMs ?? 10_000)) return undefined;
    return this.fetch(keyUrl, clientId);
  }

  private fetch(keyUrl: string, clientId?: string): Promise<string> {
    const running = this.inflight.get(keyUrl);
    if (running) return running;
    const job = (async () => {
      const response = await fetch(keyUrl, {
        headers: { accept: 'application/json', ...(clientId ? { clientId } : {}) },
        redirect: 'error',
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 3_000),
      });
      if (!response.ok)
        throw new SigningKeyError(`the signing key URL answered ${response.status}`, response.status);
      const body = (await response.json()) as { signing_key?: unknown };
      if (typeof body?.signing_key !== 'string' || body.signing_key === '')
        throw new Error('the signing key URL returned no signing_key');
      this.keys.set(keyUrl, { key: body.signing_key, fetchedAt: (this.settings.now ?? Date.now)() });
      return body.signing_key;
    })();
    this.inflight.set(keyUrl, job);
    return job.finally(() => this.inflight.delete(keyUrl));
  }
}

/** The key URL answered with an error status (a 4xx: no such key — the callback cannot be genuine). */
export class SigningKeyError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'SigningKeyError';
  }
}
