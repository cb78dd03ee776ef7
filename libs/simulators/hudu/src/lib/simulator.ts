import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { huduSeed, type HuduSeedOptions } from '@cw-hudu-sync/sample-data';
import {
  ASSET_FIELDS,
  COMPANY_FIELDS,
  HuduProblem,
  HuduStore,
  notFound,
  permittedParams,
  type AssetRecord,
  type CompanyRecord,
} from './store';
import {
  DEFAULT_RATE_LIMIT,
  FaultPlan,
  FixedWindowRateLimit,
  RequestCounters,
  type FaultRule,
  type RateLimitSettings,
} from './traffic';

export const API_PREFIX = '/api/v1';
export const CONTROL_PREFIX = '/_sim';

export interface PagingQuirks {
  /** Serve 25 rows per page whatever `page_size` asks (the failure mode a live sweep reported). */
  ignorePageSize: boolean;
  /** Serve page 1 whatever `page` asks (what Hudu's own client guards against). */
  ignorePage: boolean;
}

export interface HuduSimulatorOptions {
  /** Keys accepted in `x-api-key`. */
  apiKeys?: string[];
  rateLimit?: Partial<RateLimitSettings>;
  faults?: FaultRule[];
  /** Seed for fault probabilities. */
  faultSeed?: number | string;
  /** The tenant at start and after `/_sim/reset`: a Hudu seed, or `false` for an empty tenant. */
  seed?: HuduSeedOptions | false;
  paging?: Partial<PagingQuirks>;
  /** What `/api_info` reports. */
  apiInfo?: { version: string; date: string };
  /** Origin used in `full_url`/`url`; defaults to the request's own. */
  publicUrl?: string;
  /** Fastify logging (off by default). */
  logger?: boolean;
  /** Clock for the throttle window and timestamps. */
  now?: () => number;
}

/** Query parameters each list route honours (all documented for that route in Hudu's Swagger). */
export const LIST_QUERY_PARAMETERS = {
  '/companies': [
    'page',
    'page_size',
    'name',
    'phone_number',
    'website',
    'city',
    'state',
    'id_number',
    'slug',
    'search',
    'id_in_integration',
    'updated_at',
  ],
  '/assets': [
    'company_id',
    'id',
    'name',
    'primary_serial',
    'asset_layout_id',
    'page',
    'archived',
    'page_size',
    'slug',
    'search',
    'updated_at',
  ],
  '/companies/{company_id}/assets': ['page', 'archived', 'page_size'],
  '/asset_layouts': ['name', 'page', 'slug', 'active', 'updated_at'],
  '/companies/jump': ['integration_slug', 'integration_id', 'integration_identifier'],
} as const;

export interface HuduSimulator {
  app: FastifyInstance;
  /** Every Hudu route served, as `METHOD /api/v1/path/:param`. */
  routes: Array<{ method: string; url: string }>;
  store: HuduStore;
  rateLimit: FixedWindowRateLimit;
  faults: FaultPlan;
  counters: RequestCounters;
  paging: PagingQuirks;
  /** Starts listening (port 0 picks a free one) and returns the origin, e.g. `http://127.0.0.1:40123`. */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  close(): Promise<void>;
}

const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 1000;

type Query = Record<string, string | string[] | undefined>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function intParam(value: string | undefined, fallback: number) {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}

/** `updated_at` filter: `start,end` (either side may be blank) or one exact timestamp. */
function matchesUpdatedAt(updatedAt: string, filter: string | undefined) {
  if (!filter) return true;
  const at = Date.parse(updatedAt);
  if (filter.includes(',')) {
    const [start = '', end = ''] = filter.split(',');
    if (start.trim() && at < Date.parse(start)) return false;
    if (end.trim() && at > Date.parse(end)) return false;
    return true;
  }
  return at === Date.parse(filter);
}

function idParam(request: FastifyRequest, name: string): number {
  const raw = (request.params as Record<string, string>)[name] ?? '';
  const id = Number(raw);
  if (!Number.isInteger(id)) throw notFound(name === 'company_id' ? 'Company' : 'Record', raw);
  return id;
}

export function buildHuduSimulator(options: HuduSimulatorOptions = {}): HuduSimulator {
  const now = options.now ?? Date.now;
  const apiKeys = new Set(options.apiKeys ?? ['hudu-sim-key']);
  const store = new HuduStore({ now });
  const rateLimit = new FixedWindowRateLimit({ ...DEFAULT_RATE_LIMIT, ...options.rateLimit }, now);
  const faults = new FaultPlan(options.faultSeed, options.faults ?? []);
  const counters = new RequestCounters();
  const paging: PagingQuirks = { ignorePageSize: false, ignorePage: false, ...options.paging };
  const apiInfo = options.apiInfo ?? { version: '2.44.0', date: '2026-01-01' };
  let seedOptions: HuduSeedOptions | false = options.seed ?? { seed: 1, manageCompanies: [] };

  const loadSeed = () => {
    store.clear();
    if (seedOptions) store.applySeed(huduSeed(seedOptions));
  };
  loadSeed();

  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true, bodyLimit: 5_242_880 });
  const routes: HuduSimulator['routes'] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(API_PREFIX)) return;
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: route.url });
  });

  // Rails accepts an empty JSON body (e.g. PUT …/archive); malformed JSON is a 400.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new HuduProblem(400, { status: 400, error: 'Bad Request' }), undefined);
    }
  });

  const origin = (request: FastifyRequest) => options.publicUrl ?? `${request.protocol}://${request.host}`;
  const isApi = (request: FastifyRequest) =>
    request.url.startsWith(`${API_PREFIX}/`) || request.url === API_PREFIX;
  const routeOf = (request: FastifyRequest) => request.routeOptions.url ?? '(no route)';

  const sendRetryLater = (reply: FastifyReply, retryAfterSeconds?: number) => {
    if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
    return reply.code(429).type('text/plain; charset=utf-8').send('Retry later\n');
  };

  // Throttle, faults, then authentication, in Rack order: every request counts, a 401 included.
  app.addHook('onRequest', async (request, reply) => {
    if (!isApi(request)) return;
    const key = first(request.headers['x-api-key']) ?? '';
    const decision = rateLimit.hit(key);
    if (!decision.allowed) {
      return sendRetryLater(
        reply,
        rateLimit.settings.retryAfterHeader ? decision.retryAfterSeconds : undefined,
      );
    }
    const path = request.url.slice(API_PREFIX.length).split('?')[0] ?? '';
    const fault = faults.pick(request.method, path);
    if (fault) {
      switch (fault.kind) {
        case 'rate-limit':
          return sendRetryLater(reply, fault.retryAfterSeconds);
        case 'error': {
          const status = fault.status ?? 500;
          return reply
            .code(status)
            .send({ status, error: status === 500 ? 'Internal Server Error' : 'Server Error' });
        }
        case 'hang':
          counters.record(request.method, routeOf(request), 'hang');
          reply.hijack();
          return reply;
        case 'delay':
          await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1_000));
          break;
      }
    }
    // The jump endpoint is a browser link, authenticated by the user's Hudu session, not the API key.
    if (routeOf(request) === `${API_PREFIX}/companies/jump`) return;
    if (!apiKeys.has(key)) return reply.code(401).send({ error: 'Bad credentials' });
    return;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (isApi(request)) counters.record(request.method, routeOf(request), reply.statusCode);
    return payload;
  });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof HuduProblem) return reply.code(error.status).send(error.body);
    const { statusCode: status, message } = error as { statusCode?: number; message?: string };
    if (status && status >= 400 && status < 500)
      return reply.code(status).send({ status, error: message ?? 'Bad Request' });
    return reply.code(500).send({ status: 500, error: 'Internal Server Error' });
  });

  app.setNotFoundHandler((request, reply) => {
    const accept = request.headers.accept ?? '';
    if (accept.includes('json')) return reply.code(404).send({ status: 404, error: 'Not Found' });
    return reply
      .code(404)
      .type('text/html; charset=utf-8')
      .send("<!DOCTYPE html><html><body><h1>The page you were looking for doesn't exist.</h1></body></html>");
  });

  const pageOf = <T>(items: T[], query: Query, allowPageSize: boolean) => {
    const page = paging.ignorePage ? 1 : Math.max(1, intParam(first(query['page']), 1));
    const requested = allowPageSize
      ? intParam(first(query['page_size']), DEFAULT_PAGE_SIZE)
      : DEFAULT_PAGE_SIZE;
    const size = paging.ignorePageSize ? DEFAULT_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, Math.max(1, requested));
    return items.slice((page - 1) * size, page * size);
  };

  const byId = <T extends { id: number }>(a: T, b: T) => a.id - b.id;

  // ---- the API ------------------------------------------------------------------------------------

  app.register(
    async (api) => {
      api.get('/api_info', async () => apiInfo);

      // Companies
      api.get('/companies', async (request) => {
        const q = request.query as Query;
        const text = (name: string) => first(q[name]);
        const search = text('search')?.toLowerCase();
        const inIntegration = text('id_in_integration');
        const exact: Array<[string, keyof CompanyRecord]> = [
          ['name', 'name'],
          ['phone_number', 'phone_number'],
          ['website', 'website'],
          ['city', 'city'],
          ['state', 'state'],
          ['id_number', 'id_number'],
          ['slug', 'slug'],
        ];
        const rows = [...store.companies.values()]
          .filter((c) => !c.archived)
          .filter((c) =>
            exact.every(([param, field]) => text(param) === undefined || c[field] === text(param)),
          )
          .filter(
            (c) =>
              !search ||
              c.name.toLowerCase().includes(search) ||
              (c.nickname ?? '').toLowerCase().includes(search),
          )
          .filter(
            (c) =>
              !inIntegration ||
              [...store.integrations.values()].some(
                (i) =>
                  i.company_id === c.id &&
                  (String(i.sync_id) === inIntegration || i.identifier === inIntegration),
              ),
          )
          .filter((c) => matchesUpdatedAt(c.updated_at, text('updated_at')))
          .sort(byId);
        return { companies: pageOf(rows, q, true).map((c) => store.renderCompany(c, origin(request))) };
      });

      // Live 2.45.1: create answers 200 with the company wrapped (the spec says 201, bare).
      api.post('/companies', async (request) => {
        const company = store.createCompany(permittedParams(request.body, 'company', COMPANY_FIELDS));
        return { company: store.renderCompany(company, origin(request)) };
      });

      api.get('/companies/jump', async (request, reply) => {
        const accept = request.headers.accept ?? '';
        const acceptsPage = accept === '' || accept.includes('html') || accept.includes('*/*');
        if (!acceptsPage && accept.includes('json')) return reply.code(406).send('');
        const q = request.query as Query;
        const slug = first(q['integration_slug']);
        const id = first(q['integration_id']);
        const identifier = first(q['integration_identifier']);
        const match = [...store.integrations.values()].find(
          (i) =>
            slug !== undefined &&
            i.integrator_name === slug &&
            i.company_id !== null &&
            (id !== undefined && id !== ''
              ? String(i.sync_id) === id
              : identifier !== undefined && i.identifier === identifier),
        );
        const company = match?.company_id == null ? undefined : store.companies.get(match.company_id);
        if (!company) return reply.code(404).send({ error: 'Resource not found' });
        return reply
          .code(302)
          .header('location', `${origin(request)}/c/${company.slug}`)
          .send('');
      });

      api.get('/companies/:id', async (request) => ({
        company: store.renderCompany(store.getCompany(idParam(request, 'id')), origin(request)),
      }));

      api.put('/companies/:id', async (request) => {
        const id = idParam(request, 'id');
        store.getCompany(id);
        const company = store.updateCompany(id, permittedParams(request.body, 'company', COMPANY_FIELDS));
        return { company: store.renderCompany(company, origin(request)) };
      });

      api.put('/companies/:id/archive', async (request) => ({
        company: store.renderCompany(store.setCompanyArchived(idParam(request, 'id'), true), origin(request)),
      }));

      api.put('/companies/:id/unarchive', async (request) => ({
        company: store.renderCompany(
          store.setCompanyArchived(idParam(request, 'id'), false),
          origin(request),
        ),
      }));

      // Assets
      const archivedOnly = (q: Query) => first(q['archived']) === 'true';

      api.get('/assets', async (request) => {
        const q = request.query as Query;
        const text = (name: string) => first(q[name]);
        const num = (name: string) => (text(name) === undefined ? undefined : Number(text(name)));
        const search = text('search')?.toLowerCase();
        const rows = [...store.assets.values()]
          .filter((a) => a.archived === archivedOnly(q))
          .filter((a) => num('company_id') === undefined || a.company_id === num('company_id'))
          .filter((a) => num('id') === undefined || a.id === num('id'))
          .filter((a) => num('asset_layout_id') === undefined || a.asset_layout_id === num('asset_layout_id'))
          .filter((a) => text('name') === undefined || a.name === text('name'))
          .filter((a) => text('primary_serial') === undefined || a.primary_serial === text('primary_serial'))
          .filter((a) => text('slug') === undefined || a.slug === text('slug'))
          .filter((a) => !search || a.name.toLowerCase().includes(search))
          .filter((a) => matchesUpdatedAt(a.updated_at, text('updated_at')))
          .sort(byId);
        return { assets: pageOf(rows, q, true).map((a) => store.renderAsset(a, origin(request))) };
      });

      api.get('/companies/:company_id/assets', async (request) => {
        const companyId = idParam(request, 'company_id');
        store.getCompany(companyId);
        const q = request.query as Query;
        const rows = [...store.assets.values()]
          .filter((a) => a.company_id === companyId && a.archived === archivedOnly(q))
          .sort(byId);
        return { assets: pageOf(rows, q, true).map((a) => store.renderAsset(a, origin(request))) };
      });

      // Clients written against live Hudu read `.asset` from create and update answers.
      api.post('/companies/:company_id/assets', async (request) => {
        const asset = store.createAsset(
          idParam(request, 'company_id'),
          permittedParams(request.body, 'asset', ASSET_FIELDS),
        );
        return { asset: store.renderAsset(asset, origin(request)) };
      });

      // The spec documents a bare asset here; no live observation says otherwise.
      api.get('/companies/:company_id/assets/:id', async (request) =>
        store.renderAsset(
          store.getAsset(idParam(request, 'company_id'), idParam(request, 'id')),
          origin(request),
        ),
      );

      api.put('/companies/:company_id/assets/:id', async (request) => {
        const companyId = idParam(request, 'company_id');
        const id = idParam(request, 'id');
        store.getAsset(companyId, id);
        const asset: AssetRecord = store.updateAsset(
          companyId,
          id,
          permittedParams(request.body, 'asset', ASSET_FIELDS),
        );
        return { asset: store.renderAsset(asset, origin(request)) };
      });

      api.put('/companies/:company_id/assets/:id/archive', async (request) => ({
        asset: store.renderAsset(
          store.setAssetArchived(idParam(request, 'company_id'), idParam(request, 'id'), true),
          origin(request),
        ),
      }));

      api.put('/companies/:company_id/assets/:id/unarchive', async (request) => ({
        asset: store.renderAsset(
          store.setAssetArchived(idParam(request, 'company_id'), idParam(request, 'id'), false),
          origin(request),
        ),
      }));

      // Asset layouts: `page` but no `page_size` (fixed 25); a missing id is 200 `null` (live bug).
      api.get('/asset_layouts', async (request) => {
        const q = request.query as Query;
        const text = (name: string) => first(q[name]);
        const active = text('active');
        const rows = [...store.layouts.values()]
          .filter((l) => text('name') === undefined || l.name === text('name'))
          .filter((l) => text('slug') === undefined || l.slug === text('slug'))
          .filter((l) => active === undefined || String(l.active) === active)
          .filter((l) => matchesUpdatedAt(l.updated_at, text('updated_at')))
          .sort(byId);
        return { asset_layouts: pageOf(rows, q, false).map((l) => store.renderLayout(l)) };
      });

      api.get('/asset_layouts/:id', async (request, reply) => {
        const id = Number((request.params as { id: string }).id);
        const layout = Number.isInteger(id) ? store.layouts.get(id) : undefined;
        if (!layout) return reply.code(200).type('application/json; charset=utf-8').send('null');
        return { asset_layout: store.renderLayout(layout) };
      });
    },
    { prefix: API_PREFIX },
  );

  // ---- the control API (not Hudu; never throttled, faulted or counted) ------------------------------

  app.register(
    async (control) => {
      control.get('/state', async (request) => store.snapshot(origin(request)));

      control.post('/reset', async () => {
        loadSeed();
        counters.reset();
        rateLimit.reset();
        faults.set([]);
        return { ok: true };
      });

      control.post('/seed', async (request) => {
        const body = (request.body ?? {}) as {
          seed?: number | string;
          manageCompanies?: HuduSeedOptions['manageCompanies'];
        } | null;
        if (body?.seed === undefined) throw new HuduProblem(400, { error: 'seed is required' });
        seedOptions = { seed: body.seed, manageCompanies: body.manageCompanies ?? [] };
        loadSeed();
        return { companies: store.companies.size, asset_layouts: store.layouts.size };
      });

      control.get('/counters', async () => counters.snapshot());
      control.delete('/counters', async () => {
        counters.reset();
        return { ok: true };
      });

      control.get('/faults', async () => ({ faults: faults.list() }));
      control.put('/faults', async (request) => {
        faults.set(((request.body ?? {}) as { faults?: FaultRule[] }).faults ?? []);
        return { faults: faults.list() };
      });
      control.post('/faults', async (request) => {
        faults.add(((request.body ?? {}) as { faults?: FaultRule[] }).faults ?? []);
        return { faults: faults.list() };
      });
      control.delete('/faults', async () => {
        faults.set([]);
        return { faults: [] };
      });

      control.get('/rate-limit', async () => ({ ...rateLimit.settings, usage: rateLimit.usage() }));
      control.put('/rate-limit', async (request) => {
        const body = (request.body ?? {}) as Partial<RateLimitSettings>;
        const next: Partial<RateLimitSettings> = {};
        if (body.limit !== undefined) next.limit = Number(body.limit);
        if (body.windowMs !== undefined) next.windowMs = Number(body.windowMs);
        if (body.retryAfterHeader !== undefined) next.retryAfterHeader = Boolean(body.retryAfterHeader);
        if (
          (next.limit !== undefined && !(next.limit >= 0)) ||
          (next.windowMs !== undefined && !(next.windowMs > 0))
        ) {
          throw new HuduProblem(400, { error: 'limit must be >= 0 and windowMs > 0' });
        }
        rateLimit.update(next);
        return rateLimit.settings;
      });

      control.get('/paging', async () => paging);
      control.put('/paging', async (request) => {
        const body = (request.body ?? {}) as Partial<PagingQuirks>;
        if (body.ignorePage !== undefined) paging.ignorePage = Boolean(body.ignorePage);
        if (body.ignorePageSize !== undefined) paging.ignorePageSize = Boolean(body.ignorePageSize);
        return paging;
      });

      // Matchers cannot be created through Hudu's API (integrations create them); tests set them up here.
      control.post('/integrations', async (request) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        const integration = store.addIntegration({
          integrator_name: String(body['integrator_name'] ?? 'cw_manage'),
          sync_id: Number(body['sync_id']),
          identifier:
            body['identifier'] === undefined || body['identifier'] === null
              ? null
              : String(body['identifier']),
          name: String(body['name'] ?? ''),
          potential_company_id:
            body['potential_company_id'] == null ? null : Number(body['potential_company_id']),
          company_id: body['company_id'] == null ? null : Number(body['company_id']),
        });
        return { integration: store.renderIntegration(integration) };
      });
    },
    { prefix: CONTROL_PREFIX },
  );

  return {
    app,
    routes,
    store,
    rateLimit,
    faults,
    counters,
    paging,
    async listen({ port = 0, host = '127.0.0.1' } = {}) {
      await app.listen({ port, host });
      const address = app.server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${shownHost}:${address.port}`;
    },
    async close() {
      await app.close();
    },
  };
}
