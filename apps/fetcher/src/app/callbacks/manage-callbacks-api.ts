import type { IntegrationCredentials } from '@cw-hudu-sync/integrations';
import {
  ManageApiError,
  type ManageClient,
  type ManageErrorBody,
  validateSiteUrl,
} from '@cw-hudu-sync/manage-client';
import type { DesiredCallback, RegisteredCallback } from '@cw-hudu-sync/fetching';

/**
 * `/system/callbacks` (list, create, delete). The Manage client (libs/clients/manage, owned elsewhere) has
 * no callback calls and no public way to POST or DELETE, so this small wrapper sends them itself with the
 * same credentials (Basic `companyId+publicKey:privateKey`, `clientId`) and takes the codebase from the
 * client (discovery and its cache stay in one place). No retries beyond one attempt per call: registration
 * is re-run by the reconcile loop.
 */
export class ManageCallbacksApi {
  readonly #authorization: string;
  readonly #clientId: string;
  readonly #origin: string;

  constructor(
    private readonly client: Pick<ManageClient, 'codebase'>,
    manage: IntegrationCredentials['manage'],
    private readonly timeoutMs = 15_000,
  ) {
    this.#origin = validateSiteUrl(manage.siteUrl);
    this.#authorization = `Basic ${Buffer.from(`${manage.companyId}+${manage.publicKey}:${manage.privateKey}`).toString('base64')}`;
    this.#clientId = manage.clientId;
  }

  async list(): Promise<RegisteredCallback[]> {
    const all: RegisteredCallback[] = [];
    for (let page = 1; page <= 20; page++) {
      const body = await this.call('GET', `/system/callbacks?pageSize=1000&page=${page}`);
      if (!Array.isArray(body)) throw new Error('Manage listed callbacks as something other than an array');
      all.push(...(body as RegisteredCallback[]));
      if (body.length < 1000) break;
    }
    return all;
  }

  async create(callback: DesiredCallback): Promise<RegisteredCallback> {
    return (await this.call('POST', '/system/callbacks', {
      ...callback,
      inactiveFlag: false,
      isSelfSuppressedFlag: false,
      payloadVersion: '3.0.0',
    })) as RegisteredCallback;
  }

  /** Deletes one registration; one already gone counts as deleted. */
  async remove(id: number): Promise<void> {
    try {
      await this.call('DELETE', `/system/callbacks/${id}`);
    } catch (error) {
      if (error instanceof ManageApiError && error.status === 404) return;
      throw error;
    }
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const codebase = await this.client.codebase();
    const response = await fetch(`${this.#origin}/${codebase}apis/3.0${path}`, {
      method,
      headers: {
        accept: 'application/json',
        authorization: this.#authorization,
        clientId: this.#clientId,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = { message: text.slice(0, 200) };
      }
    }
    if (response.status >= 400) {
      throw new ManageApiError({
        status: response.status,
        method,
        path: path.split('?')[0] ?? path,
        body: parsed as ManageErrorBody | undefined,
        secrets: [this.#authorization.slice('Basic '.length)],
      });
    }
    return parsed;
  }
}
