import { inspect } from 'node:util';
import { HuduApiError, HuduClient, HuduPaginationError, customFields, type HuduClientOptions } from '../src';
import {
  buildHuduSimulator,
  type HuduSimulator,
  type HuduSimulatorOptions,
} from '@cw-hudu-sync/hudu-simulator';

/** The client against the Hudu simulator, in process, over real HTTP on a free port. */

const KEY = 'contract-key-0123456789abcdef';

describe('HuduClient against the Hudu simulator', () => {
  let sim: HuduSimulator;
  let baseUrl: string;
  const clients: HuduClient[] = [];

  async function start(options: HuduSimulatorOptions = {}) {
    sim = buildHuduSimulator({ apiKeys: [KEY], seed: { seed: 1, manageCompanies: [] }, ...options });
    baseUrl = await sim.listen({ port: 0 });
  }

  function client(options: Partial<HuduClientOptions> = {}) {
    const c = new HuduClient({
      baseUrl,
      apiKey: KEY,
      backoff: { initialMs: 10, maxMs: 50 },
      timeoutMs: 2_000,
      ...options,
    });
    clients.push(c);
    return c;
  }

  /** How many requests the simulator saw, by `METHOD route status`. */
  function seen() {
    const result: Record<string, number> = {};
    for (const e of sim.counters.snapshot().entries) result[`${e.method} ${e.route} ${e.status}`] = e.count;
    return result;
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sim?.close();
  });

  describe('companies', () => {
    it('round-trips create, get, update, archive and unarchive', async () => {
      await start({ seed: false });
      const hudu = client();
      const created = await hudu.createCompany({
        name: 'Contoso Ltd',
        id_number: 'CONTOSO',
        website: 'contoso.example',
      });
      expect(created).toMatchObject({ name: 'Contoso Ltd', id_number: 'CONTOSO', archived: false });
      expect(await hudu.getCompany(created.id)).toEqual(created);

      const updated = await hudu.updateCompany(created.id, { city: 'Springfield' });
      expect(updated.city).toBe('Springfield');
      expect(updated.name).toBe('Contoso Ltd');

      expect((await hudu.archiveCompany(created.id)).archived).toBe(true);
      expect(await hudu.allCompanies()).toEqual([]);
      expect((await hudu.getCompany(created.id))?.archived).toBe(true);
      expect((await hudu.unarchiveCompany(created.id)).archived).toBe(false);
      expect((await hudu.allCompanies({ name: 'Contoso Ltd' })).map((c) => c.id)).toEqual([created.id]);
    });

    it('reports a taken name as a 422 with Hudu message, without retrying', async () => {
      await start({ seed: false });
      const hudu = client();
      await hudu.createCompany({ name: 'Fabrikam' });
      const error = (await hudu.createCompany({ name: 'Fabrikam' }).catch((e: unknown) => e)) as HuduApiError;
      expect(error).toBeInstanceOf(HuduApiError);
      expect(error.status).toBe(422);
      expect(error.huduMessage).toBe('Validation failed: Name has already been taken');
      expect(error.retryable).toBe(false);
      expect(seen()['POST /api/v1/companies 422']).toBe(1);
    });

    it('treats 404 as absent', async () => {
      await start({ seed: false });
      expect(await client().getCompany(4242)).toBeNull();
    });

    it('resolves the jump link of a linked company, and null for an unlinked one', async () => {
      await start({ seed: false });
      const hudu = client();
      const company = await hudu.createCompany({ name: 'Linked Co' });
      sim.store.addIntegration({
        integrator_name: 'cw_manage',
        sync_id: 250,
        identifier: 'LinkedCo',
        name: 'Linked Co',
        potential_company_id: null,
        company_id: company.id,
      });
      expect(await hudu.companyJumpLocation({ integrationSlug: 'cw_manage', integrationId: 250 })).toBe(
        `${baseUrl}${company.url}`,
      );
      expect(
        await hudu.companyJumpLocation({ integrationSlug: 'cw_manage', integrationIdentifier: 'LinkedCo' }),
      ).toBe(`${baseUrl}${company.url}`);
      expect(await hudu.companyJumpLocation({ integrationSlug: 'cw_manage', integrationId: 251 })).toBeNull();
    });
  });

  describe('assets and layouts', () => {
    it('round-trips an asset with custom fields keyed by snake_case labels', async () => {
      await start();
      const hudu = client();
      const [layout] = await hudu.allAssetLayouts({ name: 'Configurations' });
      expect(layout?.active).toBe(true);
      const company = await hudu.createCompany({ name: 'Asset Owner' });
      const asset = await hudu.createAsset(company.id, {
        name: 'WS-01',
        asset_layout_id: layout!.id,
        primary_serial: 'SN-1',
        custom_fields: customFields({ 'Serial Number': 'SN-1', 'IP Address': '10.0.0.5', OS: 'Windows 11' }),
      });
      expect(asset).toMatchObject({ name: 'WS-01', company_id: company.id, asset_type: 'Configurations' });
      expect(asset.fields.map((f) => [f.label, f.value])).toEqual([
        ['Serial Number', 'SN-1'],
        ['IP Address', '10.0.0.5'],
        ['OS', 'Windows 11'],
      ]);
      // Hudu answers this GET with a bare asset, create with a wrapped one: both read the same.
      expect(await hudu.getAsset(company.id, asset.id)).toEqual(asset);

      const updated = await hudu.updateAsset(company.id, asset.id, {
        primary_model: 'OptiPlex',
        custom_fields: customFields({ 'Serial Number': 'SN-1', OS: 'Windows 12' }),
      });
      expect(updated.primary_model).toBe('OptiPlex');
      expect(updated.fields.map((f) => [f.label, f.value])).toEqual([
        ['Serial Number', 'SN-1'],
        ['OS', 'Windows 12'],
      ]);

      await hudu.archiveAsset(company.id, asset.id);
      expect(await hudu.allCompanyAssets(company.id)).toEqual([]);
      expect((await hudu.allAssets({ archived: true })).map((a) => a.id)).toEqual([asset.id]);
      await hudu.unarchiveAsset(company.id, asset.id);
      expect((await hudu.allAssets({ company_id: company.id })).map((a) => a.id)).toEqual([asset.id]);
      expect(await hudu.getAsset(company.id, 999_999)).toBeNull();
    });

    it('surfaces Hudu 422 messages for bad custom fields', async () => {
      await start();
      const hudu = client();
      const [layout] = await hudu.allAssetLayouts({ name: 'Contacts' });
      const company = await hudu.createCompany({ name: 'People Co' });
      const error = (await hudu
        .createAsset(company.id, {
          name: 'Jane',
          asset_layout_id: layout!.id,
          custom_fields: [{ shoe_size: 42 }],
        })
        .catch((e: unknown) => e)) as HuduApiError;
      expect(error.status).toBe(422);
      expect(error.huduMessage).toBe('Invalid custom fields: Invalid field names: shoe_size');
    });

    it('reads a missing layout (200 null) as absent and filters by active', async () => {
      await start();
      const hudu = client();
      expect(await hudu.getAssetLayout(999)).toBeNull();
      expect(seen()['GET /api/v1/asset_layouts/:id 200']).toBe(1);
      const all = await hudu.allAssetLayouts();
      const active = await hudu.allAssetLayouts({ active: true });
      expect(all.length).toBe(3);
      expect(active.map((l) => l.name)).toEqual(['Configurations', 'Contacts']);
      expect(await hudu.getAssetLayout(active[0]!.id)).toEqual(active[0]);
    });
  });

  describe('pagination', () => {
    it('walks every page with page_size and stops at the short one', async () => {
      await start({ seed: false });
      for (let i = 1; i <= 95; i++)
        sim.store.createCompany({ name: `Company ${String(i).padStart(3, '0')}` });
      const companies = await client({ pageSize: 10 }).allCompanies();
      expect(companies).toHaveLength(95);
      expect(new Set(companies.map((c) => c.id)).size).toBe(95);
      expect(seen()).toEqual({ 'GET /api/v1/companies 200': 10 });
    });

    it('asks for one more page when the last page is full', async () => {
      await start({ seed: false });
      for (let i = 1; i <= 40; i++) sim.store.createCompany({ name: `Company ${i}` });
      expect(await client({ pageSize: 20 }).allCompanies()).toHaveLength(40);
      expect(seen()).toEqual({ 'GET /api/v1/companies 200': 3 });
    });

    it('keeps walking when the server ignores page_size and serves 25', async () => {
      await start({ seed: false, paging: { ignorePageSize: true } });
      for (let i = 1; i <= 60; i++) sim.store.createCompany({ name: `Company ${i}` });
      expect(await client({ pageSize: 100 }).allCompanies()).toHaveLength(60);
    });

    it('fails clearly instead of looping when the server ignores page', async () => {
      await start({ seed: false, paging: { ignorePage: true } });
      for (let i = 1; i <= 30; i++) sim.store.createCompany({ name: `Company ${i}` });
      const error = await client({ pageSize: 10 })
        .allCompanies()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HuduPaginationError);
      expect((error as Error).message).toMatch(/page 2 returned the same records as page 1/);
      expect(seen()).toEqual({ 'GET /api/v1/companies 200': 2 });
    });

    it('walks asset layouts 25 a page without page_size', async () => {
      await start({ seed: false });
      for (let i = 1; i <= 30; i++) sim.store.createLayout({ name: `Layout ${i}`, fields: [] });
      expect(await client().allAssetLayouts()).toHaveLength(30);
      expect(seen()).toEqual({ 'GET /api/v1/asset_layouts 200': 2 });
    });
  });

  describe('failures', () => {
    it('reports a bad key as 401 Bad credentials and never shows the key', async () => {
      await start();
      const secret = 'wrong-key-SECRET-4242';
      const hudu = client({ apiKey: secret });
      const error = (await hudu.getCompany(1).catch((e: unknown) => e)) as HuduApiError;
      expect(error).toBeInstanceOf(HuduApiError);
      expect(error.status).toBe(401);
      expect(error.huduMessage).toBe('Bad credentials');
      expect(seen()).toEqual({ 'GET /api/v1/companies/:id 401': 1 });
      const shown = [
        error.message,
        error.stack,
        inspect(error, { depth: 5 }),
        JSON.stringify(error),
        inspect(hudu, { depth: 5 }),
      ].join('\n');
      expect(shown).not.toContain(secret);
    });

    it('retries 5xx with backoff and succeeds', async () => {
      await start({ faults: [{ kind: 'error', status: 502, times: 2 }] });
      const hudu = client();
      expect((await hudu.apiInfo()).version).toBe('2.44.0');
      expect(hudu.stats()).toMatchObject({ requests: 3, retries: 2 });
      expect(seen()).toEqual({ 'GET /api/v1/api_info 502': 2, 'GET /api/v1/api_info 200': 1 });
    });

    it('gives up after maxAttempts and never reads a 5xx as absent', async () => {
      await start({ faults: [{ kind: 'error', status: 500 }] });
      const error = (await client({ maxAttempts: 3 })
        .getCompany(1)
        .catch((e: unknown) => e)) as HuduApiError;
      expect(error).toBeInstanceOf(HuduApiError);
      expect(error.status).toBe(500);
      expect(error.retryable).toBe(true);
      expect(error.attempts).toBe(3);
      expect(seen()).toEqual({ 'GET /api/v1/companies/:id 500': 3 });
    });

    it('retries a request that hangs past the timeout', async () => {
      await start({ faults: [{ kind: 'hang', times: 1 }] });
      const hudu = client({ timeoutMs: 200 });
      expect((await hudu.apiInfo()).version).toBe('2.44.0');
      expect(hudu.stats().retries).toBe(1);
      expect(seen()).toEqual({ 'GET /api/v1/api_info hang': 1, 'GET /api/v1/api_info 200': 1 });
    });

    it('reports a timeout after the last attempt as a retryable timeout', async () => {
      await start({ faults: [{ kind: 'hang' }] });
      const error = (await client({ timeoutMs: 100, maxAttempts: 2 })
        .apiInfo()
        .catch((e: unknown) => e)) as HuduApiError;
      expect(error.kind).toBe('timeout');
      expect(error.status).toBeUndefined();
      expect(error.retryable).toBe(true);
    });
  });

  describe('rate limiting', () => {
    it('waits out a 429 honouring Retry-After, then retries', async () => {
      await start({ faults: [{ kind: 'rate-limit', times: 2, retryAfterSeconds: 1 }] });
      const hudu = client();
      expect((await hudu.apiInfo()).version).toBe('2.44.0');
      expect(hudu.stats()).toMatchObject({ rateLimited: 2, rateLimitWaitMs: 2_000, retries: 0 });
      expect(seen()).toEqual({ 'GET /api/v1/api_info 429': 2, 'GET /api/v1/api_info 200': 1 });
    });

    it('without Retry-After waits for the next window of the throttle', async () => {
      // The server allows 3 per 1 s window; this client's budget believes in 100, so the server says 429.
      await start({ rateLimit: { limit: 3, windowMs: 1_000 } });
      const hudu = client({ budget: { perWindow: 100, windowMs: 1_000 } });
      // 7 calls at once: even split across a window boundary, one window gets more than 3.
      const infos = await Promise.all(Array.from({ length: 7 }, () => hudu.apiInfo()));
      expect(infos).toHaveLength(7);
      const counts = seen();
      expect(counts['GET /api/v1/api_info 200']).toBe(7);
      expect(counts['GET /api/v1/api_info 429']).toBeGreaterThanOrEqual(1);
      expect(hudu.stats().rateLimited).toBe(counts['GET /api/v1/api_info 429']);
      expect(hudu.stats().rateLimitWaitMs).toBeGreaterThan(0);
    });

    it('never reads a 429 as absent, and gives up after maxRateLimitWaits', async () => {
      await start({ faults: [{ kind: 'rate-limit', retryAfterSeconds: 0 }] });
      const error = (await client({ maxRateLimitWaits: 2 })
        .getCompany(1)
        .catch((e: unknown) => e)) as HuduApiError;
      expect(error).toBeInstanceOf(HuduApiError);
      expect(error.status).toBe(429);
      expect(error.huduMessage).toBe('Retry later');
      expect(seen()).toEqual({ 'GET /api/v1/companies/:id 429': 3 });
    });

    it('keeps within the key budget so the server never throttles, across client instances', async () => {
      // Server: 3 per 500 ms window. Budget: 1 per window (headroom for a call sent at a window's end and
      // received in the next), shared by both clients of the key. Without the shared budget the server
      // would answer 429 to these 5 calls at once.
      await start({ rateLimit: { limit: 3, windowMs: 500 } });
      const a = client({ budget: { perWindow: 1, windowMs: 500 } });
      const b = client(); // same key, no limit named: it shares the key's budget as set
      expect(b.requestBudget).toBe(a.requestBudget);
      await Promise.all([
        ...Array.from({ length: 3 }, () => a.apiInfo()),
        ...Array.from({ length: 2 }, () => b.apiInfo()),
      ]);
      expect(seen()).toEqual({ 'GET /api/v1/api_info 200': 5 });
      expect(a.stats().rateLimited + b.stats().rateLimited).toBe(0);
      expect(a.stats().budgetWaitMs + b.stats().budgetWaitMs).toBeGreaterThan(0);
      expect(a.requestBudget.stats()).toMatchObject({ granted: 5, waited: 4 });
    });
  });
});
