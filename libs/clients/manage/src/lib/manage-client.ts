import { Pool } from 'undici';
import { backoffDelay, type BackoffSettings, parseRetryAfter } from '@cw-hudu-sync/retry';
import { allOf, conditionDate } from './conditions';
import { manageRouteTemplate, publishManageCall } from './diagnostics';
import { ManageApiError, ManageConfigurationError, ManageUnavailableError, redact } from './errors';
import {
  type ManageCompanyInfo,
  type ManageEntities,
  type ManageEntityName,
  manageEntityPaths,
  manageEntitySchemas,
  type ManageErrorBody,
  type ManageSystemInfo,
} from './types';

export interface ManageClientOptions {
  /** The API host: `https://api-na.myconnectwise.net`, an on-prem FQDN, or `http://127.0.0.1:port` (loopback only). */
  siteUrl: string;
  /** The login company id (`companyId` in `companyId+publicKey`). */
  companyId: string;
  publicKey: string;
  privateKey: string;
  /** The integration's registered clientId (a GUID), sent on every call. */
  clientId: string;
  /** e.g. `v2025_1/`; discovered from `/login/companyinfo/{companyId}` when omitted. */
  codebase?: string;
  /** Pins the model version through the Accept header, e.g. `2022.1`. */
  apiVersion?: string;
  /** Records per page when listing (max 1000). */
  pageSize?: number;
  /** Attempts per call for retryable failures (429, 5xx, network, timeout), including the first. */
  attempts?: number;
  backoff?: BackoffSettings;
  /** Per-call time limit for headers and body. */
  timeoutMs?: number;
  /** Keep-alive connections to the site. */
  connections?: number;
  /** For tests: replaces the wait between retries. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface ListOptions {
  conditions?: string;
  childConditions?: string;
  customFieldConditions?: string;
  /** Field selection (`fields=`), e.g. `['id', 'name', 'status/id']`; `id` is always added. */
  fields?: readonly string[];
  pageSize?: number;
}

/** How a listing walked the pages. */
export type PagingMode = 'forward-only' | 'keyset';

export interface Page<T> {
  records: T[];
  mode: PagingMode;
}

/** One security-role setting the sync needs, and the cheap call that proves it. */
export interface PermissionRequirement {
  area: 'Companies' | 'System';
  screen: string;
  /** What the sync uses it for. */
  purpose: string;
  probe: string;
}

/** The BRIEF's role list, each mapped to a probe call (Inquire level is enough for a read-only sync). */
export const manageRequiredPermissions: readonly PermissionRequirement[] = [
  {
    area: 'Companies',
    screen: 'Company Maintenance',
    purpose: 'read companies',
    probe: '/company/companies/count',
  },
  {
    area: 'Companies',
    screen: 'Configurations',
    purpose: 'read configurations',
    probe: '/company/configurations/count',
  },
  { area: 'Companies', screen: 'Contacts', purpose: 'read contacts', probe: '/company/contacts/count' },
  { area: 'System', screen: 'API Reports', purpose: 'reporting API', probe: '/system/reports' },
  {
    area: 'System',
    screen: 'Member Maintenance',
    purpose: 'resolve members (updatedBy)',
    probe: '/system/members/count',
  },
  {
    area: 'System',
    screen: 'Table Setup',
    purpose: 'company statuses',
    probe: '/company/companies/statuses/count',
  },
  {
    area: 'System',
    screen: 'Table Setup',
    purpose: 'configuration types',
    probe: '/company/configurations/types/count',
  },
  {
    area: 'System',
    screen: 'Table Setup',
    purpose: 'configuration statuses',
    probe: '/company/configurations/statuses/count',
  },
];

export interface PermissionReport {
  ok: boolean;
  /** Each missing setting, e.g. `Companies → Configurations (Inquire): read configurations`. */
  missing: Array<PermissionRequirement & { description: string; manageMessage?: string }>;
  granted: PermissionRequirement[];
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/i;

/** Accepts `https://host[:port]`, or `http://` for loopback only; returns the origin. */
export function validateSiteUrl(siteUrl: string): string {
  let url: URL;
  try {
    url = new URL(siteUrl);
  } catch {
    throw new ManageConfigurationError(`Manage site URL is not a URL: ${JSON.stringify(siteUrl)}`);
  }
  if (url.username || url.password)
    throw new ManageConfigurationError('Manage site URL must not carry credentials');
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    throw new ManageConfigurationError(
      `Manage site URL must use https (http is allowed only for loopback): ${url.origin}`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ManageConfigurationError(`Manage site URL must use https: ${url.protocol}`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new ManageConfigurationError(
      `Manage site URL must be the bare host (no path or query): ${url.origin}`,
    );
  }
  return url.origin;
}

/** Latest `_info.lastUpdated` of a batch, for the next incremental watermark. */
export function latestLastUpdated(
  records: ReadonlyArray<{ _info?: Record<string, string> }>,
  previous?: string,
): string | undefined {
  let latest = previous;
  for (const record of records) {
    const stamp = record._info?.['lastUpdated'];
    if (stamp && (latest === undefined || Date.parse(stamp) > Date.parse(latest))) latest = stamp;
  }
  return latest;
}

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * ConnectWise Manage REST client (API 3.0): Basic auth `companyId+publicKey:privateKey` plus `clientId`,
 * codebase discovery, typed listing as async iterators of pages, counts, retries with backoff and
 * jitter honouring Retry-After (never on 400/401/403/404), and a permission preflight.
 */
export class ManageClient {
  readonly origin: string;
  readonly #authorization: string;
  readonly #secrets: readonly string[];
  readonly #pool: Pool;
  #codebase: string | undefined;
  /** True when the codebase came from discovery (and may be rediscovered), not from the options. */
  readonly #discovered: boolean;
  readonly #forwardOnlyUnsupported = new Set<ManageEntityName>();
  private readonly settings: Required<Pick<ManageClientOptions, 'pageSize' | 'attempts' | 'timeoutMs'>> & {
    backoff: BackoffSettings;
    sleep: (ms: number) => Promise<void>;
    random: () => number;
    clientId: string;
    companyId: string;
    apiVersion?: string;
  };

  constructor(options: ManageClientOptions) {
    this.origin = validateSiteUrl(options.siteUrl);
    for (const key of ['companyId', 'publicKey', 'privateKey', 'clientId'] as const) {
      if (!options[key] || options[key].trim() === '')
        throw new ManageConfigurationError(`Manage ${key} is required`);
    }
    if (options.codebase !== undefined && !/^[A-Za-z0-9_.]+\/$/.test(options.codebase)) {
      throw new ManageConfigurationError(`Manage codebase must look like v2025_1/ (with the trailing slash)`);
    }
    const pageSize = options.pageSize ?? 1000;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      throw new ManageConfigurationError('Manage pageSize must be an integer between 1 and 1000');
    }
    this.#authorization = `Basic ${Buffer.from(`${options.companyId}+${options.publicKey}:${options.privateKey}`).toString('base64')}`;
    this.#secrets = [options.privateKey, this.#authorization.slice('Basic '.length)];
    this.#codebase = options.codebase;
    this.#discovered = options.codebase === undefined;
    this.settings = {
      pageSize,
      attempts: options.attempts ?? 5,
      timeoutMs: options.timeoutMs ?? 60_000,
      backoff: options.backoff ?? { initialMs: 500, maxMs: 30_000 },
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: options.random ?? Math.random,
      clientId: options.clientId,
      companyId: options.companyId,
      ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}),
    };
    this.#pool = new Pool(this.origin, { connections: options.connections ?? 4, keepAliveTimeout: 30_000 });
  }

  /** Closes the keep-alive connections. */
  async close(): Promise<void> {
    await this.#pool.close();
  }

  /** The codebase (e.g. `v2025_1/`), discovered once from `/login/companyinfo/{companyId}` unless configured. */
  async codebase(): Promise<string> {
    if (this.#codebase) return this.#codebase;
    const path = `/login/companyinfo/${encodeURIComponent(this.settings.companyId)}`;
    const response = await this.send('GET', path, {}, false);
    if (response.status !== 200) {
      throw new ManageApiError({
        status: response.status,
        method: 'GET',
        path,
        body: response.body as ManageErrorBody,
        secrets: this.#secrets,
      });
    }
    const info = response.body as ManageCompanyInfo | null;
    if (!info || typeof info.Codebase !== 'string') {
      throw new ManageConfigurationError(
        `Manage does not know the company id ${JSON.stringify(this.settings.companyId)} at ${this.origin}`,
      );
    }
    this.#codebase = info.Codebase.endsWith('/') ? info.Codebase : `${info.Codebase}/`;
    return this.#codebase;
  }

  /** `/system/info`: the cheap credential check. */
  async systemInfo(): Promise<ManageSystemInfo> {
    return (await this.api('GET', '/system/info')) as ManageSystemInfo;
  }

  async count<E extends ManageEntityName>(
    entity: E,
    options: Pick<ListOptions, 'conditions' | 'childConditions' | 'customFieldConditions'> = {},
  ): Promise<number> {
    const body = (await this.api('GET', `${manageEntityPaths[entity]}/count`, listQuery(options))) as {
      count?: unknown;
    };
    if (typeof body?.count !== 'number')
      throw new ManageUnavailableError(`Manage count for ${entity} had no number`, 1);
    return body.count;
  }

  async get<E extends ManageEntityName>(
    entity: E,
    id: number,
    options: Pick<ListOptions, 'fields'> = {},
  ): Promise<ManageEntities[E]> {
    const body = await this.api('GET', `${manageEntityPaths[entity]}/${id}`, listQuery(options));
    return this.check(entity, body, options.fields !== undefined) as ManageEntities[E];
  }

  /**
   * Every record matching `options`, as pages, each record exactly once even while records change: forward-only
   * paging (`pageId`, ordered by id) where the resource supports it, else keyset paging (`id > last` with
   * `orderBy=id asc`). Records added during the walk with higher ids are included; deleted ones may be missed.
   */
  async *pages<E extends ManageEntityName>(
    entity: E,
    options: ListOptions = {},
  ): AsyncGenerator<Page<ManageEntities[E]>> {
    const pageSize = options.pageSize ?? this.settings.pageSize;
    const partial = options.fields !== undefined;
    const fields = partial ? [...new Set(['id', ...(options.fields ?? [])])] : undefined;
    let lastId = 0;
    if (!this.#forwardOnlyUnsupported.has(entity)) {
      for (;;) {
        const query = listQuery({ ...options, fields, pageSize });
        if (lastId > 0) query['pageId'] = String(lastId);
        const response = await this.apiResponse('GET', manageEntityPaths[entity], query, {
          'pagination-type': 'forward-only',
        });
        const link = linkHeader(response.headers['link']);
        if (link.has('first') || link.has('last')) {
          // navigable answer: this resource ignores forward-only; its order is not guaranteed, so restart with keyset
          this.#forwardOnlyUnsupported.add(entity);
          break;
        }
        const records = this.checkPage(entity, response.body, partial);
        if (records.length === 0) return;
        lastId = Math.max(lastId, ...records.map((r) => r.id));
        yield { records, mode: 'forward-only' };
        const next = link.get('next');
        const nextPageId = next ? Number(new URL(next, this.origin).searchParams.get('pageId')) : NaN;
        if (!next || !Number.isFinite(nextPageId)) return;
        lastId = Math.max(lastId, nextPageId);
      }
    }
    lastId = 0;
    for (;;) {
      const query = listQuery({
        ...options,
        fields,
        pageSize,
        conditions: allOf(options.conditions, lastId > 0 ? `id > ${lastId}` : undefined),
      });
      query['orderBy'] = 'id asc';
      query['page'] = '1';
      const response = await this.apiResponse('GET', manageEntityPaths[entity], query);
      const records = this.checkPage(entity, response.body, partial);
      if (records.length === 0) return;
      lastId = Math.max(lastId, ...records.map((r) => r.id));
      yield { records, mode: 'keyset' };
      if (records.length < pageSize) return;
    }
  }

  /** Every matching record, one at a time. */
  async *records<E extends ManageEntityName>(
    entity: E,
    options: ListOptions = {},
  ): AsyncGenerator<ManageEntities[E]> {
    for await (const page of this.pages(entity, options)) yield* page.records;
  }

  /**
   * Records changed since `watermark` (`lastUpdated > [watermark − overlap]`). Manage stamps whole seconds, so
   * the default one-second overlap re-reads the watermark's own second instead of missing a record written
   * later in that second; consumers must be idempotent. Take the next watermark with `latestLastUpdated`.
   */
  changedSince<E extends ManageEntityName>(
    entity: E,
    watermark: Date | string,
    options: ListOptions & { overlapSeconds?: number } = {},
  ): AsyncGenerator<Page<ManageEntities[E]>> {
    const overlapMs = (options.overlapSeconds ?? 1) * 1000;
    const since = (watermark instanceof Date ? watermark.getTime() : Date.parse(watermark)) - overlapMs;
    if (Number.isNaN(since)) throw new RangeError(`not a watermark: ${String(watermark)}`);
    return this.pages(entity, {
      ...options,
      conditions: allOf(options.conditions, `lastUpdated > ${conditionDate(since)}`),
    });
  }

  /**
   * Checks the credentials (`/system/info`) and then each security-role setting the sync needs with a cheap
   * probe. A 403 marks that setting missing; other failures are thrown (401 means the keys are wrong).
   */
  async checkPermissions(
    requirements: readonly PermissionRequirement[] = manageRequiredPermissions,
  ): Promise<PermissionReport> {
    await this.systemInfo();
    const missing: PermissionReport['missing'] = [];
    const granted: PermissionRequirement[] = [];
    for (const requirement of requirements) {
      try {
        await this.api(
          'GET',
          requirement.probe,
          requirement.probe.endsWith('/count') ? {} : { pageSize: '1' },
        );
        granted.push(requirement);
      } catch (error) {
        if (!(error instanceof ManageApiError) || error.status !== 403) throw error;
        missing.push({
          ...requirement,
          description: `${requirement.area} → ${requirement.screen} (Inquire): ${requirement.purpose}`,
          ...(error.manageMessage ? { manageMessage: error.manageMessage } : {}),
        });
      }
    }
    return { ok: missing.length === 0, missing, granted };
  }

  // ---- plumbing ----

  private check(entity: ManageEntityName, body: unknown, partial: boolean): { id: number } {
    if (partial) {
      if (typeof (body as { id?: unknown })?.id !== 'number')
        throw this.shapeError(entity, 'a record without a numeric id');
      return body as { id: number };
    }
    const result = manageEntitySchemas[entity].safeParse(body);
    if (!result.success) {
      throw this.shapeError(
        entity,
        result.error.issues
          .map((i) => `${i.path.join('/')}: ${i.message}`)
          .slice(0, 3)
          .join('; '),
      );
    }
    return result.data;
  }

  private checkPage<E extends ManageEntityName>(
    entity: E,
    body: unknown,
    partial: boolean,
  ): Array<ManageEntities[E]> {
    if (!Array.isArray(body)) throw this.shapeError(entity, 'a list response that is not an array');
    return body.map((item) => this.check(entity, item, partial) as ManageEntities[E]);
  }

  private shapeError(entity: string, detail: string) {
    return new ManageUnavailableError(`Manage returned an unexpected ${entity} shape: ${detail}`, 1);
  }

  private async api(method: string, path: string, query: Record<string, string> = {}): Promise<unknown> {
    return (await this.apiResponse(method, path, query)).body;
  }

  private async apiResponse(
    method: string,
    path: string,
    query: Record<string, string> = {},
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const search = new URLSearchParams(query).toString();
    const call = async () =>
      this.send(
        method,
        `/${await this.codebase()}apis/3.0${path}${search ? `?${search}` : ''}`,
        headers,
        true,
      );
    let response = await call();
    if (
      response.status === 404 &&
      this.#discovered &&
      (response.body as ManageErrorBody | undefined)?.code === 'ConnectWiseApi'
    ) {
      // hosted instances change codebase on upgrade: the old one answers "The endpoint does not exist."
      this.#codebase = undefined;
      response = await call();
    }
    if (response.status >= 400) {
      throw new ManageApiError({
        status: response.status,
        method,
        path: `${path}${search ? `?${search}` : ''}`,
        body: response.body as ManageErrorBody,
        secrets: this.#secrets,
      });
    }
    return response;
  }

  /** One call with retries: 429 and 5xx (honouring Retry-After), network errors and timeouts. */
  private async send(
    method: string,
    path: string,
    headers: Record<string, string>,
    authenticated: boolean,
  ): Promise<Response> {
    const { attempts, backoff, sleep, random, timeoutMs } = this.settings;
    let lastProblem = '';
    const route = manageRouteTemplate(path);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let retryAfterMs: number | undefined;
      const startedAt = performance.now();
      const seconds = () => (performance.now() - startedAt) / 1000;
      try {
        const response = await this.#pool.request({
          method: method as 'GET',
          path,
          headers: {
            accept: this.settings.apiVersion
              ? `application/vnd.connectwise.com+json; version=${this.settings.apiVersion}, application/json`
              : 'application/json',
            'cache-control': 'no-cache',
            ...(authenticated
              ? { authorization: this.#authorization, clientId: this.settings.clientId }
              : {}),
            ...headers,
          },
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const text = await response.body.text();
        let body: unknown = undefined;
        if (text) {
          try {
            body = JSON.parse(text);
          } catch {
            body = { message: text.slice(0, 200) };
          }
        }
        const result: Response = { status: response.statusCode, headers: response.headers, body };
        publishManageCall({ method, route, status: result.status, outcome: 'response', seconds: seconds() });
        const retryable = result.status === 429 || result.status >= 500;
        if (!retryable || attempt === attempts) return result;
        const retryAfter = result.headers['retry-after'];
        retryAfterMs = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
        lastProblem = `status ${result.status}`;
      } catch (error) {
        publishManageCall({ method, route, status: undefined, outcome: 'failed', seconds: seconds() });
        lastProblem = redact((error as Error)?.message ?? String(error), this.#secrets);
        if (attempt === attempts) {
          throw new ManageUnavailableError(
            `Manage ${method} ${redact(path, this.#secrets)} failed after ${attempts} attempts: ${lastProblem}`,
            attempts,
          );
        }
      }
      await sleep(backoffDelay(attempt, backoff, retryAfterMs, random));
    }
    throw new ManageUnavailableError(`Manage ${method} ${path} failed: ${lastProblem}`, attempts);
  }

  /** Keeps the keys out of logs and error reports that serialise the client. */
  toJSON() {
    return { origin: this.origin, codebase: this.#codebase, companyId: this.settings.companyId };
  }
}

function listQuery(
  options: ListOptions & { fields?: readonly string[] | undefined },
): Record<string, string> {
  const query: Record<string, string> = {};
  if (options.conditions) query['conditions'] = options.conditions;
  if (options.childConditions) query['childConditions'] = options.childConditions;
  if (options.customFieldConditions) query['customFieldConditions'] = options.customFieldConditions;
  if (options.fields) query['fields'] = options.fields.join(',');
  if (options.pageSize) query['pageSize'] = String(options.pageSize);
  return query;
}

/** Parses an RFC 5988 Link header into rel → URL. */
export function linkHeader(value: string | string[] | undefined): Map<string, string> {
  const links = new Map<string, string>();
  const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
  for (const match of text.matchAll(/<([^>]*)>\s*;\s*rel="?([^";,]+)"?/g)) {
    links.set((match[2] as string).toLowerCase(), match[1] as string);
  }
  return links;
}
