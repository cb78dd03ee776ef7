import { buildHuduSimulator, type HuduSimulator, type HuduSimulatorOptions } from './simulator';

const KEY = 'sim-spec-key';

describe('hudu simulator', () => {
  let sim: HuduSimulator;
  let base: string;
  let clock: number;

  async function start(options: HuduSimulatorOptions = {}) {
    clock = Date.UTC(2026, 0, 1, 12, 0, 0);
    sim = buildHuduSimulator({ apiKeys: [KEY], now: () => clock, ...options });
    base = await sim.listen({ port: 0 });
  }

  afterEach(async () => {
    await sim?.close();
  });

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        'x-api-key': KEY,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      redirect: 'manual',
    });

  const json = async (response: Response) => JSON.parse(await response.text()) as Record<string, unknown>;

  describe('authentication', () => {
    it('answers a missing or wrong key with 401 Bad credentials, and counts it', async () => {
      await start();
      const missing = await fetch(`${base}/api/v1/companies`);
      expect(missing.status).toBe(401);
      expect(await json(missing)).toEqual({ error: 'Bad credentials' });
      const wrong = await call('GET', '/api/v1/companies', undefined, { 'x-api-key': 'nope' });
      expect(wrong.status).toBe(401);
      const counters = await json(await fetch(`${base}/_sim/counters`));
      expect(counters['byStatus']).toEqual({ '401': 2 });
    });
  });

  describe('rate limit', () => {
    it('lets exactly the limit through under concurrent load and counts every request', async () => {
      await start({ rateLimit: { limit: 20 } });
      const responses = await Promise.all(Array.from({ length: 50 }, () => call('GET', '/api/v1/api_info')));
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(20);
      expect(statuses.filter((s) => s === 429)).toHaveLength(30);
      const limited = responses.find((r) => r.status === 429)!;
      expect(await limited.text()).toBe('Retry later\n');
      expect(limited.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(limited.headers.get('retry-after')).toBeNull();
      const counters = (await json(await fetch(`${base}/_sim/counters`))) as {
        total: number;
        entries: Array<{ method: string; route: string; status: number; count: number }>;
      };
      expect(counters.total).toBe(50);
      expect(counters.entries).toEqual([
        { method: 'GET', route: '/api/v1/api_info', status: 200, count: 20 },
        { method: 'GET', route: '/api/v1/api_info', status: 429, count: 30 },
      ]);
    });

    it('keeps a window per key, counts 401s, and opens again in the next window', async () => {
      await start({ rateLimit: { limit: 2, windowMs: 60_000 } });
      expect((await call('GET', '/api/v1/api_info')).status).toBe(200);
      expect((await call('GET', '/api/v1/api_info', undefined, { 'x-api-key': 'bad' })).status).toBe(401);
      expect((await call('GET', '/api/v1/api_info', undefined, { 'x-api-key': 'bad' })).status).toBe(401);
      expect((await call('GET', '/api/v1/api_info', undefined, { 'x-api-key': 'bad' })).status).toBe(429);
      expect((await call('GET', '/api/v1/api_info')).status).toBe(200);
      expect((await call('GET', '/api/v1/api_info')).status).toBe(429);
      clock += 60_000;
      expect((await call('GET', '/api/v1/api_info')).status).toBe(200);
    });

    it('sends Retry-After (seconds to the window end) only when switched on', async () => {
      await start({ rateLimit: { limit: 1, windowMs: 60_000, retryAfterHeader: true } });
      clock += 15_000; // 15 s into the minute
      await call('GET', '/api/v1/api_info');
      const limited = await call('GET', '/api/v1/api_info');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('45');
      await fetch(`${base}/_sim/rate-limit`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ limit: 1, retryAfterHeader: false }),
      });
      await call('GET', '/api/v1/api_info');
      const again = await call('GET', '/api/v1/api_info');
      expect(again.status).toBe(429);
      expect(again.headers.get('retry-after')).toBeNull();
    });
  });

  describe('faults', () => {
    it('injects 5xx, 429 storms and hangs through the control API, then stops', async () => {
      await start();
      await fetch(`${base}/_sim/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          faults: [
            { kind: 'error', status: 503, times: 1, pathPrefix: '/companies' },
            { kind: 'rate-limit', times: 1, retryAfterSeconds: 3 },
            { kind: 'hang', times: 1 },
          ],
        }),
      });
      expect((await call('GET', '/api/v1/companies')).status).toBe(503);
      const storm = await call('GET', '/api/v1/companies');
      expect(storm.status).toBe(429);
      expect(storm.headers.get('retry-after')).toBe('3');
      await expect(
        fetch(`${base}/api/v1/api_info`, { headers: { 'x-api-key': KEY }, signal: AbortSignal.timeout(200) }),
      ).rejects.toThrow();
      expect((await call('GET', '/api/v1/companies')).status).toBe(200);
      const counters = (await json(await fetch(`${base}/_sim/counters`))) as {
        byStatus: Record<string, number>;
      };
      expect(counters.byStatus).toEqual({ '200': 1, '429': 1, '503': 1, hang: 1 });
    });
  });

  describe('slow responses and seeded storms', () => {
    it('delays answers, and applies a probabilistic fault the same way for the same seed', async () => {
      const pattern = async () => {
        await start({
          faults: [
            { kind: 'rate-limit', probability: 0.5, pathPrefix: '/api_info' },
            { kind: 'delay', delayMs: 20, times: 1, pathPrefix: '/companies' },
          ],
          faultSeed: 9,
        });
        const statuses: number[] = [];
        for (let i = 0; i < 20; i++) statuses.push((await call('GET', '/api/v1/api_info')).status);
        const delayed = await call('GET', '/api/v1/companies');
        expect(delayed.status).toBe(200);
        await sim.close();
        return statuses;
      };
      const first = await pattern();
      expect(first.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(first.filter((s) => s === 200).length).toBeGreaterThan(0);
      expect(await pattern()).toEqual(first);
      // The delay rule applied once, to the companies call only.
      expect(sim.faults.list().find((f) => f.kind === 'delay')).toMatchObject({ applied: 1 });
    });
  });

  describe('companies', () => {
    it('creates with 200 and a wrapped company, flat or wrapped body, and enforces unique names', async () => {
      await start({ seed: false });
      const created = await call('POST', '/api/v1/companies', {
        company: { name: 'Contoso Ltd', id_number: 'CON' },
      });
      expect(created.status).toBe(200);
      const company = (await json(created))['company'] as Record<string, unknown>;
      expect(company).toMatchObject({
        id: 1,
        name: 'Contoso Ltd',
        id_number: 'CON',
        archived: false,
        object_type: 'Company',
      });
      expect(company['url']).toBe(`/c/${String(company['slug'])}`);

      const flat = await call('POST', '/api/v1/companies', { name: 'Fabrikam' });
      expect(flat.status).toBe(200);

      const duplicate = await call('POST', '/api/v1/companies', { company: { name: 'Contoso Ltd' } });
      expect(duplicate.status).toBe(422);
      expect(await json(duplicate)).toEqual({
        error: 'Validation failed',
        details: ['Name has already been taken'],
      });

      const empty = await call('POST', '/api/v1/companies', {});
      expect(empty.status).toBe(400);
      expect(await json(empty)).toEqual({
        error: 'Parameter missing',
        details: 'param is missing or the value is empty: company',
      });
    });

    it('hides archived companies from the list but still serves them by id; 404 for a missing id', async () => {
      await start({ seed: false });
      const { company } = (await json(await call('POST', '/api/v1/companies', { name: 'Gone Inc' }))) as {
        company: { id: number };
      };
      await call('POST', '/api/v1/companies', { name: 'Here Inc' });
      const archived = await call('PUT', `/api/v1/companies/${company.id}/archive`);
      expect(archived.status).toBe(200);
      expect(((await json(archived))['company'] as { archived: boolean }).archived).toBe(true);
      const list = (await json(await call('GET', '/api/v1/companies'))) as {
        companies: Array<{ name: string }>;
      };
      expect(list.companies.map((c) => c.name)).toEqual(['Here Inc']);
      const byId = await call('GET', `/api/v1/companies/${company.id}`);
      expect(((await json(byId))['company'] as { archived: boolean }).archived).toBe(true);
      const missing = await call('GET', '/api/v1/companies/999');
      expect(missing.status).toBe(404);
      expect((await json(missing))['error']).toBe('Resource not found');
    });

    it('filters by exact name, search, id_number and integration; pages with page_size', async () => {
      await start({ seed: false });
      for (let i = 1; i <= 30; i++) sim.store.createCompany({ name: `Company ${i}`, id_number: `C${i}` });
      const get = async (qs: string) =>
        (
          (await json(await call('GET', `/api/v1/companies?${qs}`))) as { companies: Array<{ name: string }> }
        ).companies.map((c) => c.name);
      expect(await get('name=Company%201')).toEqual(['Company 1']);
      expect(await get('search=company%202')).toEqual([
        'Company 2',
        ...Array.from({ length: 10 }, (_, i) => `Company ${20 + i}`),
      ]);
      expect(await get('id_number=C7')).toEqual(['Company 7']);
      expect(await get('')).toHaveLength(25);
      expect(await get('page=2')).toHaveLength(5);
      expect(await get('page=4&page_size=8')).toEqual([
        'Company 25',
        'Company 26',
        'Company 27',
        'Company 28',
        'Company 29',
        'Company 30',
      ]);
      expect(await get('page=5')).toEqual([]);
      sim.store.addIntegration({
        integrator_name: 'cw_manage',
        sync_id: 250,
        identifier: 'Comp3',
        name: 'C3',
        potential_company_id: null,
        company_id: 3,
      });
      expect(await get('id_in_integration=250')).toEqual(['Company 3']);
      expect(await get('id_in_integration=Comp3')).toEqual(['Company 3']);
    });
  });

  describe('assets', () => {
    async function setUp() {
      await start({ seed: { seed: 1, manageCompanies: [] } });
      const layout = [...sim.store.layouts.values()].find((l) => l.name === 'Configurations')!;
      const company = sim.store.createCompany({ name: 'Asset Owner' });
      return { layout, company };
    }

    it('validates custom_fields the way Hudu does', async () => {
      const { layout, company } = await setUp();
      const path = `/api/v1/companies/${company.id}/assets`;
      const asObject = await call('POST', path, {
        asset: { name: 'PC', asset_layout_id: layout.id, custom_fields: { serial_number: 'x' } },
      });
      expect(asObject.status).toBe(422);
      expect(await json(asObject)).toEqual({
        error: 'Invalid custom fields',
        details: ['custom_fields must be an array of objects (use [ ] not { }).'],
      });
      const unknown = await call('POST', path, {
        asset: {
          name: 'PC',
          asset_layout_id: layout.id,
          custom_fields: [{ serial_number: 'x' }, { some_field: 1 }],
        },
      });
      expect(unknown.status).toBe(422);
      expect(await json(unknown)).toEqual({
        error: 'Invalid custom fields',
        details: ['Invalid field names: some_field'],
      });

      const created = await call('POST', path, {
        asset: {
          name: 'PC',
          asset_layout_id: layout.id,
          primary_serial: 'SN1',
          custom_fields: [{ serial_number: 'SN1' }, { ip_address: '10.0.0.1' }],
        },
      });
      expect(created.status).toBe(200);
      const asset = (await json(created))['asset'] as {
        id: number;
        fields: Array<{ label: string; value: unknown }>;
        asset_type: string;
      };
      expect(asset.asset_type).toBe('Configurations');
      expect(asset.fields.map((f) => [f.label, f.value])).toEqual([
        ['Serial Number', 'SN1'],
        ['IP Address', '10.0.0.1'],
      ]);
      // GET of one asset is bare, as the spec documents.
      const fetched = await json(await call('GET', `${path}/${asset.id}`));
      expect(fetched['id']).toBe(asset.id);
      expect(fetched['asset']).toBeUndefined();
      expect((await call('GET', `/api/v1/companies/${company.id}/assets/999`)).status).toBe(404);
    });

    it('lists only live assets unless archived=true, which lists only archived ones', async () => {
      const { layout, company } = await setUp();
      const a = sim.store.createAsset(company.id, { name: 'A', asset_layout_id: layout.id });
      sim.store.createAsset(company.id, { name: 'B', asset_layout_id: layout.id });
      expect((await call('PUT', `/api/v1/companies/${company.id}/assets/${a.id}/archive`)).status).toBe(200);
      const names = async (qs: string) =>
        (
          (await json(await call('GET', `/api/v1/assets${qs}`))) as { assets: Array<{ name: string }> }
        ).assets.map((x) => x.name);
      expect(await names('')).toEqual(['B']);
      expect(await names('?archived=true')).toEqual(['A']);
      expect(await names(`?company_id=${company.id}&name=B`)).toEqual(['B']);
    });
  });

  describe('asset layouts', () => {
    it('filters by active and answers 200 null for a missing id', async () => {
      await start({ seed: { seed: 1, manageCompanies: [] } });
      const active = (await json(await call('GET', '/api/v1/asset_layouts?active=true'))) as {
        asset_layouts: Array<{ name: string; active: boolean }>;
      };
      expect(active.asset_layouts.map((l) => l.name)).toEqual(['Configurations', 'Contacts']);
      const missing = await call('GET', '/api/v1/asset_layouts/999');
      expect(missing.status).toBe(200);
      expect(await missing.text()).toBe('null');
    });
  });

  describe('jump', () => {
    it('redirects to a linked company, 404s otherwise, and 406s a JSON-only caller', async () => {
      await start({ seed: false });
      const company = sim.store.createCompany({ name: 'Linked' });
      sim.store.addIntegration({
        integrator_name: 'cw_manage',
        sync_id: 250,
        identifier: 'Linked',
        name: 'Linked',
        potential_company_id: null,
        company_id: company.id,
      });
      const jump = (qs: string, accept = 'text/html') =>
        call('GET', `/api/v1/companies/jump?${qs}`, undefined, { accept });
      const found = await jump('integration_slug=cw_manage&integration_id=250');
      expect(found.status).toBe(302);
      expect(found.headers.get('location')).toBe(`${base}/c/${company.slug}`);
      expect((await jump('integration_slug=cw_manage&integration_identifier=Linked')).status).toBe(302);
      expect((await jump('integration_slug=cw_manage&integration_id=251')).status).toBe(404);
      expect((await jump('integration_slug=halo&integration_id=250')).status).toBe(404);
      expect((await jump('integration_slug=cw_manage&integration_id=250', 'application/json')).status).toBe(
        406,
      );
    });
  });

  describe('control API', () => {
    it('seeds, shows state with archived records, and resets', async () => {
      await start({ seed: false });
      const seeded = await fetch(`${base}/_sim/seed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ seed: 5, manageCompanies: [{ id: 1, identifier: 'A', name: 'Alpha Ltd' }] }),
      });
      expect(seeded.status).toBe(200);
      const state = (await json(await fetch(`${base}/_sim/state`))) as {
        companies: Array<{ archived: boolean }>;
        asset_layouts: unknown[];
      };
      expect(state.asset_layouts).toHaveLength(3);
      expect(state.companies.some((c) => c.archived)).toBe(true);
      await call('POST', '/api/v1/companies', { name: 'Added Later' });
      await fetch(`${base}/_sim/reset`, { method: 'POST' });
      const after = (await json(await fetch(`${base}/_sim/state`))) as { companies: unknown[] };
      expect(after.companies).toHaveLength(state.companies.length);
      expect((await json(await fetch(`${base}/_sim/counters`)))['total']).toBe(0);
    });
  });
});
