import { Pool } from 'undici';
import type { Logger } from '@cw-hudu-sync/logging';
import { backoffDelay, parseRetryAfter, type BackoffSettings } from '@cw-hudu-sync/retry';
import { DEFAULT_BUDGET, sharedBudget, type BudgetSettings, type RequestBudget } from './budget';
import { HuduApiError, HuduPaginationError, huduMessageOf, type HuduFailureKind } from './errors';
import {
  huduRouteTemplate,
  publishHuduBudgetWait,
  publishHuduCall,
  publishHuduRateLimited,
} from './diagnostics';
import type {
  HuduApiInfo,
  HuduAsset,
  HuduAssetFilters,
  HuduAssetInput,
  HuduAssetLayout,
  HuduAssetLayoutFilters,
  HuduCompany,
  HuduCompanyFilters,
  HuduCompanyInput,
  HuduJumpTarget,
  HuduPage,
} from './types';

export interface HuduClientOptions {
  /** The Hudu instance, e.g. `https://acme.huducloud.com` (a trailing `/api/v1` is fine). */
  baseUrl: string;
  apiKey: string;
  /** The key's request budget; shared by every client of this key and instance in the process. */
  budget?: Partial<BudgetSettings>;
  /** Per-request time limit for headers and body. */
  timeoutMs?: number;
  /** Attempts for 5xx answers, timeouts and network failures (the first included). */
  maxAttempts?: number;
  /** How many 429 answers one call waits out before giving up. */
  maxRateLimitWaits?: number;
  /** A Retry-After longer than this fails the call instead of sleeping. */
  maxRetryAfterMs?: number;
  backoff?: BackoffSettings;
  /** Rows asked per page when walking lists (1–1000). */
  pageSize?: number;
  /** Upper bound on pages walked by one list, against runaway loops. */
  maxPages?: number;
  /** Keep-alive connections to the instance. */
  connections?: number;
  logger?: Pick<Logger, 'warn' | 'debug'>;
}

export interface HuduClientStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Requests repeated after a 5xx, timeout or network failure. */
  retries: number;
  /** 429 answers received. */
  rateLimited: number;
  /** Time this client's calls waited for the key's budget, in ms. */
  budgetWaitMs: number;
  /** Time this client's calls waited after a 429, in ms. */
  rateLimitWaitMs: number;
}

/** Hudu serves 25 rows per page unless told otherwise. */
export const HUDU_DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 1000;

interface Call {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  accept?: string;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

const isLoopback = (hostname: string) =>
  hostname === 'localhost' ||
  hostname === '[::1]' ||
  hostname === '::1' ||
  /^127(\.\d{1,3}){3}$/.test(hostname);

/**
 * Checks a Hudu base URL: https, or plain http only to this machine (a tunnel or a simulator). An http
 * URL to a real instance would send the API key in clear, and Hudu's http→https redirect turns POSTs
 * into GETs. Returns the origin and the path prefix before `/api/v1`.
 */
export function parseHuduBaseUrl(raw: string): { origin: string; prefix: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('Hudu base URL is not a URL (expected e.g. https://acme.huducloud.com)');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new Error(
      `Hudu base URL must use https (http is allowed only for 127.0.0.1/localhost), got ${url.protocol}//${url.host}`,
    );
  }
  if (url.username || url.password) throw new Error('Hudu base URL must not contain credentials');
  if (url.search || url.hash) throw new Error('Hudu base URL must not contain a query or fragment');
  const prefix = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return { origin: url.origin, prefix };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * Hudu's REST API, v1. Tolerates the envelopes Hudu actually sends (wrapped and bare objects, `200 null`
 * for some missing ids), walks pages without looping, keeps within the key's request budget, waits out
 * 429s and retries 5xx/timeouts. A 429 or 5xx is never mistaken for "absent".
 */
export class HuduClient {
  readonly origin: string;
  private readonly prefix: string;
  readonly #apiKey: string;
  private readonly pool: Pool;
  private readonly budget: RequestBudget;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly maxRateLimitWaits: number;
  private readonly maxRetryAfterMs: number;
  private readonly backoff: BackoffSettings;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly logger: HuduClientOptions['logger'];
  private readonly counters: HuduClientStats = {
    requests: 0,
    retries: 0,
    rateLimited: 0,
    budgetWaitMs: 0,
    rateLimitWaitMs: 0,
  };

  constructor(options: HuduClientOptions) {
    const { origin, prefix } = parseHuduBaseUrl(options.baseUrl);
    if (!options.apiKey || options.apiKey.trim() === '') throw new Error('Hudu API key is empty');
    this.origin = origin;
    this.prefix = prefix;
    this.#apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.maxRateLimitWaits = Math.max(0, options.maxRateLimitWaits ?? 5);
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 10 * 60_000;
    this.backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    this.pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, options.pageSize ?? 100));
    this.maxPages = options.maxPages ?? 10_000;
    this.logger = options.logger;
    this.budget = sharedBudget(
      origin,
      options.apiKey,
      options.budget ? { ...DEFAULT_BUDGET, ...options.budget } : undefined,
    );
    this.pool = new Pool(origin, {
      connections: options.connections ?? 4,
      keepAliveTimeout: 30_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  /** Counters for metrics. */
  stats(): HuduClientStats {
    return { ...this.counters };
  }

  /** The shared budget of this key (its stats cover every client of the key). */
  get requestBudget(): RequestBudget {
    return this.budget;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  // ---- instance ---------------------------------------------------------------------------------

  /** `GET /api_info`: version and date; a cheap check of the address and key. */
  async apiInfo(): Promise<HuduApiInfo> {
    const answer = await this.expectOk({ method: 'GET', path: '/api_info' });
    return this.record<HuduApiInfo>(answer, 'GET', '/api_info', undefined, 'version');
  }

  // ---- companies --------------------------------------------------------------------------------

  /** One page of live (not archived) companies. */
  async listCompanies(filters: HuduCompanyFilters & HuduPage = {}): Promise<HuduCompany[]> {
    return this.listPage<HuduCompany>('/companies', 'companies', { ...filters });
  }

  /** Every live company matching the filters, walking all pages. */
  async allCompanies(filters: HuduCompanyFilters = {}): Promise<HuduCompany[]> {
    return this.collect<HuduCompany>('/companies', 'companies', { ...filters }, this.pageSize);
  }

  /** A company by id, archived ones included; null when Hudu has none. */
  async getCompany(id: number): Promise<HuduCompany | null> {
    return this.getOne<HuduCompany>(`/companies/${this.id(id)}`, 'company');
  }

  /** Creates a company. Hudu refuses a name already taken (422). */
  async createCompany(input: HuduCompanyInput): Promise<HuduCompany> {
    return this.write<HuduCompany>(
      { method: 'POST', path: '/companies', body: { company: input } },
      'company',
    );
  }

  async updateCompany(id: number, input: HuduCompanyInput): Promise<HuduCompany> {
    return this.write<HuduCompany>(
      { method: 'PUT', path: `/companies/${this.id(id)}`, body: { company: input } },
      'company',
    );
  }

  async archiveCompany(id: number): Promise<HuduCompany> {
    return this.write<HuduCompany>({ method: 'PUT', path: `/companies/${this.id(id)}/archive` }, 'company');
  }

  async unarchiveCompany(id: number): Promise<HuduCompany> {
    return this.write<HuduCompany>({ method: 'PUT', path: `/companies/${this.id(id)}/unarchive` }, 'company');
  }

  /**
   * Where Hudu's jump link for an integration's company leads (`GET /companies/jump`), or null when no
   * company is linked. The redirect is not followed.
   */
  async companyJumpLocation(target: HuduJumpTarget): Promise<string | null> {
    const query: Call['query'] = { integration_slug: target.integrationSlug };
    if (target.integrationId !== undefined) query['integration_id'] = String(target.integrationId);
    if (target.integrationIdentifier !== undefined)
      query['integration_identifier'] = target.integrationIdentifier;
    const path = '/companies/jump';
    const answer = await this.send({ method: 'GET', path, query, accept: 'text/html' });
    if (answer.status === 404) return null;
    const location = headerValue(answer.headers['location']);
    if (answer.status >= 300 && answer.status < 400 && location) return location;
    throw this.failure('GET', path, answer, 1);
  }

  // ---- assets -----------------------------------------------------------------------------------

  /** One page of assets across all companies (`archived: true` lists only archived ones). */
  async listAssets(filters: HuduAssetFilters & HuduPage = {}): Promise<HuduAsset[]> {
    return this.listPage<HuduAsset>('/assets', 'assets', { ...filters });
  }

  async allAssets(filters: HuduAssetFilters = {}): Promise<HuduAsset[]> {
    return this.collect<HuduAsset>('/assets', 'assets', { ...filters }, this.pageSize);
  }

  async listCompanyAssets(
    companyId: number,
    filters: { archived?: boolean } & HuduPage = {},
  ): Promise<HuduAsset[]> {
    return this.listPage<HuduAsset>(`/companies/${this.id(companyId)}/assets`, 'assets', { ...filters });
  }

  async allCompanyAssets(companyId: number, filters: { archived?: boolean } = {}): Promise<HuduAsset[]> {
    return this.collect<HuduAsset>(
      `/companies/${this.id(companyId)}/assets`,
      'assets',
      { ...filters },
      this.pageSize,
    );
  }

  /** An asset of a company; null when Hudu has none. */
  async getAsset(companyId: number, id: number): Promise<HuduAsset | null> {
    return this.getOne<HuduAsset>(`/companies/${this.id(companyId)}/assets/${this.id(id)}`, 'asset');
  }

  /** Creates an asset. `custom_fields` keys are layout labels in snake_case (see `customFields()`). */
  async createAsset(companyId: number, input: HuduAssetInput): Promise<HuduAsset> {
    return this.write<HuduAsset>(
      { method: 'POST', path: `/companies/${this.id(companyId)}/assets`, body: { asset: input } },
      'asset',
    );
  }

  /** Updates an asset. Send every custom field: ones left out of `custom_fields` may be cleared. */
  async updateAsset(companyId: number, id: number, input: HuduAssetInput): Promise<HuduAsset> {
    return this.write<HuduAsset>(
      {
        method: 'PUT',
        path: `/companies/${this.id(companyId)}/assets/${this.id(id)}`,
        body: { asset: input },
      },
      'asset',
    );
  }

  async archiveAsset(companyId: number, id: number): Promise<HuduAsset> {
    return this.write<HuduAsset>(
      { method: 'PUT', path: `/companies/${this.id(companyId)}/assets/${this.id(id)}/archive` },
      'asset',
    );
  }

  async unarchiveAsset(companyId: number, id: number): Promise<HuduAsset> {
    return this.write<HuduAsset>(
      { method: 'PUT', path: `/companies/${this.id(companyId)}/assets/${this.id(id)}/unarchive` },
      'asset',
    );
  }

  // ---- asset layouts ----------------------------------------------------------------------------

  /** One page of asset layouts (Hudu takes no `page_size` here: 25 per page). */
  async listAssetLayouts(
    filters: HuduAssetLayoutFilters & { page?: number } = {},
  ): Promise<HuduAssetLayout[]> {
    return this.listPage<HuduAssetLayout>('/asset_layouts', 'asset_layouts', { ...filters });
  }

  async allAssetLayouts(filters: HuduAssetLayoutFilters = {}): Promise<HuduAssetLayout[]> {
    return this.collect<HuduAssetLayout>('/asset_layouts', 'asset_layouts', { ...filters }, undefined);
  }

  /** A layout by id; null when Hudu has none (it answers `200 null`). */
  async getAssetLayout(id: number): Promise<HuduAssetLayout | null> {
    return this.getOne<HuduAssetLayout>(`/asset_layouts/${this.id(id)}`, 'asset_layout');
  }

  // ---- pagination -------------------------------------------------------------------------------

  /**
   * Walks a list page by page. Stops on an empty page or one shorter than the page size. If the first
   * page brings exactly Hudu's default 25 rows when more were asked, the server ignored `page_size`;
   * the walk then continues at 25 per page instead of stopping early. A page identical to an earlier
   * one means `page` is being ignored: that fails instead of looping.
   */
  private async *pages<T extends { id: number }>(
    path: string,
    key: string,
    filters: Call['query'],
    pageSize: number | undefined,
  ): AsyncGenerator<T[]> {
    const asked = pageSize ?? HUDU_DEFAULT_PAGE_SIZE;
    let expected = asked;
    const seen = new Map<string, number>();
    for (let page = 1; page <= this.maxPages; page++) {
      const query = { ...filters, page, ...(pageSize === undefined ? {} : { page_size: pageSize }) };
      const rows = await this.listPage<T>(path, key, query);
      if (rows.length === 0) return;
      const signature = rows.map((row) => row.id).join(',');
      const earlier = seen.get(signature);
      if (earlier !== undefined) throw new HuduPaginationError(path, page, earlier);
      seen.set(signature, page);
      yield rows;
      if (page === 1 && rows.length === HUDU_DEFAULT_PAGE_SIZE && asked > HUDU_DEFAULT_PAGE_SIZE) {
        expected = HUDU_DEFAULT_PAGE_SIZE;
      }
      if (rows.length < expected) return;
    }
    throw new HuduApiError({
      method: 'GET',
      path,
      huduMessage: `more than ${this.maxPages} pages; stopping`,
      kind: 'unexpected-response',
      attempts: 1,
    });
  }

  private async collect<T extends { id: number }>(
    path: string,
    key: string,
    filters: Call['query'],
    pageSize: number | undefined,
  ): Promise<T[]> {
    const byId = new Map<number, T>();
    for await (const rows of this.pages<T>(path, key, filters, pageSize)) {
      for (const row of rows) if (!byId.has(row.id)) byId.set(row.id, row);
    }
    return [...byId.values()];
  }

  // ---- envelopes --------------------------------------------------------------------------------

  private async listPage<T>(path: string, key: string, query: Call['query']): Promise<T[]> {
    const answer = await this.expectOk({ method: 'GET', path, query });
    const body = answer.body;
    const rows = Array.isArray(body)
      ? body
      : typeof body === 'object' && body !== null && Array.isArray((body as Record<string, unknown>)[key])
        ? ((body as Record<string, unknown>)[key] as unknown[])
        : undefined;
    if (!rows) throw this.unexpected('GET', path, `expected a list of ${key}`);
    for (const row of rows) {
      if (typeof row !== 'object' || row === null || typeof (row as { id?: unknown }).id !== 'number') {
        throw this.unexpected('GET', path, `a ${key} row without a numeric id`);
      }
    }
    return rows as T[];
  }

  /** GET of one object: 404 and `200 null` are "absent"; everything else that is not 2xx throws. */
  private async getOne<T>(path: string, key: string): Promise<T | null> {
    const answer = await this.send({ method: 'GET', path });
    if (answer.status === 404) return null;
    if (answer.status < 200 || answer.status >= 300) throw this.failure('GET', path, answer, 1);
    if (answer.body === null) return null;
    return this.record<T>(answer, 'GET', path, key, 'id');
  }

  private async write<T>(call: Call, key: string): Promise<T> {
    const answer = await this.expectOk(call);
    return this.record<T>(answer, call.method, call.path, key, 'id');
  }

  /** Accepts `{"<key>": {…}}` and the bare object. */
  private record<T>(answer: Answer, method: string, path: string, key: string | undefined, field: string): T {
    const body = answer.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw this.unexpected(method, path, 'expected an object');
    }
    const wrapped = key === undefined ? undefined : (body as Record<string, unknown>)[key];
    const candidate =
      typeof wrapped === 'object' && wrapped !== null && !Array.isArray(wrapped) ? wrapped : (body as object);
    if (!(field in candidate))
      throw this.unexpected(method, path, `expected ${key ?? 'an object'} with ${field}`);
    return candidate as T;
  }

  private async expectOk(call: Call): Promise<Answer> {
    const answer = await this.send(call);
    if (answer.status < 200 || answer.status >= 300) throw this.failure(call.method, call.path, answer, 1);
    return answer;
  }

  // ---- transport --------------------------------------------------------------------------------

  /**
   * Sends one call within the budget. 429: waits (Retry-After when given, else until the next window)
   * and repeats; 5xx, timeouts and network failures: backs off and repeats up to `maxAttempts`. Other
   * answers are returned as they are.
   */
  private async send(call: Call): Promise<Answer> {
    const method = call.method;
    const path = call.path;
    let failures = 0;
    let rateLimitWaits = 0;
    const route = huduRouteTemplate(path);
    for (;;) {
      const waitedMs = await this.budget.take();
      this.counters.budgetWaitMs += waitedMs;
      publishHuduBudgetWait({ waitedMs });
      this.counters.requests += 1;
      const attempts = failures + rateLimitWaits + 1;
      let answer: Answer;
      const startedAt = performance.now();
      try {
        answer = await this.exchange(call);
        publishHuduCall({
          method,
          route,
          status: answer.status,
          outcome: 'response',
          seconds: (performance.now() - startedAt) / 1000,
        });
      } catch (error) {
        const kind = transportFailureKind(error);
        publishHuduCall({
          method,
          route,
          status: undefined,
          outcome: kind === 'timeout' ? 'timeout' : 'network',
          seconds: (performance.now() - startedAt) / 1000,
        });
        failures += 1;
        if (failures >= this.maxAttempts) {
          throw new HuduApiError({
            method,
            path,
            kind,
            huduMessage: describeTransportError(error),
            attempts,
          });
        }
        this.counters.retries += 1;
        const delay = backoffDelay(failures, this.backoff);
        this.logger?.warn(
          { method, path, kind, attempt: failures, delayMs: delay },
          'hudu call failed; retrying',
        );
        await sleep(delay);
        continue;
      }

      if (answer.status === 429) {
        this.counters.rateLimited += 1;
        rateLimitWaits += 1;
        if (rateLimitWaits > this.maxRateLimitWaits) throw this.failure(method, path, answer, attempts);
        const hinted = parseRetryAfter(headerValue(answer.headers['retry-after']));
        const now = Date.now();
        const until =
          hinted !== undefined
            ? now + hinted
            : this.budget.nextWindowStart(now) + Math.min(1_000, this.budget.settings.windowMs / 20);
        if (until - now > this.maxRetryAfterMs) throw this.failure(method, path, answer, attempts);
        this.budget.pauseUntil(until);
        publishHuduRateLimited({ route, waitMs: Math.max(0, until - now) });
        this.logger?.warn(
          { method, path, waitMs: until - now, retryAfter: hinted !== undefined },
          'hudu rate limited; waiting',
        );
        this.counters.rateLimitWaitMs += Math.max(0, until - now);
        await sleep(Math.max(0, until - now));
        continue;
      }

      if (answer.status >= 500) {
        failures += 1;
        if (failures >= this.maxAttempts) throw this.failure(method, path, answer, attempts);
        this.counters.retries += 1;
        const delay = backoffDelay(
          failures,
          this.backoff,
          parseRetryAfter(headerValue(answer.headers['retry-after'])),
        );
        this.logger?.warn(
          { method, path, status: answer.status, attempt: failures, delayMs: delay },
          'hudu server error; retrying',
        );
        await sleep(delay);
        continue;
      }
      return answer;
    }
  }

  private async exchange(call: Call): Promise<Answer> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) search.set(name, String(value));
    }
    const qs = search.toString();
    const headers: Record<string, string> = {
      'x-api-key': this.#apiKey,
      accept: call.accept ?? 'application/json',
    };
    let body: string | undefined;
    if (call.body !== undefined) {
      headers['content-type'] = 'application/json; charset=utf-8';
      body = JSON.stringify(call.body);
    }
    const response = await this.pool.request({
      method: call.method,
      path: `${this.prefix}/api/v1${call.path}${qs ? `?${qs}` : ''}`,
      headers,
      ...(body === undefined ? {} : { body }),
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const text = await response.body.text();
    const type = headerValue(response.headers['content-type']) ?? '';
    let parsed: unknown = text;
    if (type.includes('json') || /^\s*[[{]|^\s*null\s*$/.test(text)) {
      try {
        parsed = text.trim() === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.statusCode, headers: response.headers, body: parsed };
  }

  private failure(method: string, path: string, answer: Answer, attempts: number): HuduApiError {
    return new HuduApiError({
      method,
      path,
      status: answer.status,
      huduMessage: huduMessageOf(answer.body, `HTTP ${answer.status}`),
      kind: 'http',
      attempts,
    });
  }

  private unexpected(method: string, path: string, message: string): HuduApiError {
    return new HuduApiError({ method, path, huduMessage: message, kind: 'unexpected-response', attempts: 1 });
  }

  private id(value: number): number {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new Error(`Hudu ids are positive integers, got ${value}`);
    return value;
  }
}

function transportFailureKind(error: unknown): HuduFailureKind {
  const code = (error as { code?: unknown })?.code;
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return 'timeout';
  }
  return 'network';
}

/** The failure's code and message only: never its request (which would hold the key's header). */
function describeTransportError(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    [typeof code === 'string' ? code : undefined, typeof message === 'string' ? message : undefined]
      .filter(Boolean)
      .join(': ') || 'request failed'
  );
}
