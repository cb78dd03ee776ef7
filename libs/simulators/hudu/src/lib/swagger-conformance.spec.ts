import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_PREFIX, buildHuduSimulator, LIST_QUERY_PARAMETERS, type HuduSimulator } from './simulator';

/**
 * The simulator against Hudu's own Swagger document (v2.44.0, copied next to these tests): every route it
 * serves is documented with that method, every filter it honours is a documented parameter, and the
 * objects it returns carry every property of the documented schema. Where live Hudu differs from the
 * spec (create envelopes and status codes, 200 null) the simulator follows live and this test does not
 * compare those parts.
 */

interface SwaggerParameter {
  name: string;
  in: string;
}
interface SwaggerSchema {
  properties?: Record<string, SwaggerSchema & { items?: SwaggerSchema & { $ref?: string }; $ref?: string }>;
}
interface Swagger {
  basePath: string;
  paths: Record<
    string,
    Record<string, { parameters?: SwaggerParameter[]; responses: Record<string, { schema?: SwaggerSchema }> }>
  >;
  definitions: Record<string, SwaggerSchema>;
}

const swagger = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'test', 'hudu-api-docs-v2.44.0.swagger.json'), 'utf8'),
) as Swagger;

const definitionFields = (name: string) => Object.keys(swagger.definitions[name]?.properties ?? {}).sort();
const KEY = 'conformance-key';

describe('simulator vs Hudu Swagger v2.44.0', () => {
  let sim: HuduSimulator;
  let base: string;

  beforeAll(async () => {
    sim = buildHuduSimulator({
      apiKeys: [KEY],
      seed: { seed: 2, manageCompanies: [{ id: 1, identifier: 'A', name: 'Alpha Ltd' }] },
    });
    base = await sim.listen({ port: 0 });
  });
  afterAll(() => sim.close());

  const get = async (path: string) =>
    (await (await fetch(`${base}${API_PREFIX}${path}`, { headers: { 'x-api-key': KEY } })).json()) as Record<
      string,
      unknown
    >;

  it('uses the documented base path', () => {
    expect(swagger.basePath).toBe(API_PREFIX);
  });

  it('serves only documented paths, each with a documented method', () => {
    expect(sim.routes.length).toBeGreaterThanOrEqual(15);
    const undocumented = sim.routes
      .map(({ method, url }) => ({
        method: method.toLowerCase(),
        path: url.slice(API_PREFIX.length).replace(/:(\w+)/g, '{$1}'),
      }))
      .filter(({ method, path }) => swagger.paths[path]?.[method] === undefined)
      .map(({ method, path }) => `${method} ${path}`);
    expect(undocumented).toEqual([]);
  });

  it('honours only documented query parameters', () => {
    const undocumented: string[] = [];
    for (const [path, names] of Object.entries(LIST_QUERY_PARAMETERS)) {
      const documented = new Set((swagger.paths[path]?.['get']?.parameters ?? []).map((p) => p.name));
      for (const name of names) if (!documented.has(name)) undocumented.push(`${path}?${name}`);
    }
    expect(undocumented).toEqual([]);
  });

  it('wraps lists in the documented keys', () => {
    const listKey = (path: string) =>
      Object.keys(swagger.paths[path]?.['get']?.responses['200']?.schema?.properties ?? {});
    expect(listKey('/companies')).toEqual(['companies']);
    expect(listKey('/assets')).toEqual(['assets']);
    expect(listKey('/asset_layouts')).toEqual(['asset_layouts']);
    expect(listKey('/api_info').sort()).toEqual(['date', 'version']);
  });

  it('returns companies with every documented Company field (and integrations with theirs)', async () => {
    const company = sim.store.createCompany({ name: 'Schema Check Co' });
    sim.store.addIntegration({
      integrator_name: 'cw_manage',
      sync_id: 9,
      identifier: 'SCC',
      name: 'Schema Check Co',
      potential_company_id: null,
      company_id: company.id,
    });
    const { companies } = (await get('/companies?name=Schema%20Check%20Co')) as {
      companies: Array<Record<string, unknown>>;
    };
    const served = companies[0]!;
    expect(Object.keys(served).sort()).toEqual(expect.arrayContaining(definitionFields('Company')));
    const integration = (served['integrations'] as Array<Record<string, unknown>>)[0]!;
    expect(Object.keys(integration).sort()).toEqual(definitionFields('Company_Integration'));
    expect((await get(`/companies/${company.id}`))['company']).toEqual(served);
  });

  it('returns assets with every documented Asset field', async () => {
    const layout = [...sim.store.layouts.values()][0]!;
    const company = sim.store.createCompany({ name: 'Asset Schema Co' });
    const asset = sim.store.createAsset(company.id, {
      name: 'Box',
      asset_layout_id: layout.id,
      custom_fields: [{ [layout.fields[0]!.label]: 'v' }],
    });
    const { assets } = (await get(`/assets?id=${asset.id}`)) as { assets: Array<Record<string, unknown>> };
    expect(Object.keys(assets[0]!).sort()).toEqual(definitionFields('Asset'));
    const field = (assets[0]!['fields'] as Array<Record<string, unknown>>)[0]!;
    expect(Object.keys(field).sort()).toEqual(['id', 'label', 'position', 'value']);
    expect(await get(`/companies/${company.id}/assets/${asset.id}`)).toEqual(assets[0]);
  });

  it('returns asset layouts with every documented Asset_Layout and Asset_Layout_Field field', async () => {
    const { asset_layouts } = (await get('/asset_layouts')) as {
      asset_layouts: Array<Record<string, unknown>>;
    };
    expect(asset_layouts.length).toBeGreaterThan(0);
    for (const layout of asset_layouts) {
      expect(Object.keys(layout).sort()).toEqual(definitionFields('Asset_Layout'));
      for (const field of layout['fields'] as Array<Record<string, unknown>>) {
        expect(Object.keys(field).sort()).toEqual(definitionFields('Asset_Layout_Field'));
      }
    }
  });
});
