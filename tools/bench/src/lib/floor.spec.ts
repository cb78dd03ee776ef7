import { concreteRequest, floorPlan, pool, type FloorIds } from './floor';
import { routeTemplate } from './stats';

const ids: FloorIds = { companyIds: [7, 8], assets: [{ companyId: 8, id: 80 }], layoutId: 3 };

describe('the floor replay', () => {
  it('fills every route template with ids that exist, and the request maps back to the same template', () => {
    const routes: Array<[string, string]> = [
      ['GET', '/api/v1/companies'],
      ['GET', '/api/v1/companies/:id'],
      ['PUT', '/api/v1/companies/:id'],
      ['PUT', '/api/v1/companies/:id/archive'],
      ['POST', '/api/v1/companies'],
      ['GET', '/api/v1/assets'],
      ['POST', '/api/v1/companies/:company_id/assets'],
      ['PUT', '/api/v1/companies/:company_id/assets/:id'],
      ['GET', '/api/v1/asset_layouts'],
    ];
    for (const [method, route] of routes) {
      const request = concreteRequest(method, route, 1, ids);
      expect(request.path).not.toContain(':');
      expect(routeTemplate(request.path)).toBe(route);
    }
  });

  it('writes bodies Hudu accepts: unique names for creates, the layout for assets', () => {
    expect(concreteRequest('POST', '/api/v1/companies', 4, ids)).toEqual({
      method: 'POST',
      path: '/api/v1/companies',
      body: { company: { name: 'Floor Company 4', id_number: 'floor-post-4' } },
    });
    expect(concreteRequest('POST', '/api/v1/companies/:company_id/assets', 1, ids)).toEqual({
      method: 'POST',
      path: '/api/v1/companies/8/assets',
      body: { asset: { name: 'Floor Asset 1', asset_layout_id: 3 } },
    });
    expect(concreteRequest('PUT', '/api/v1/companies/:company_id/assets/:id', 0, ids).path).toBe(
      '/api/v1/companies/8/assets/80',
    );
    expect(concreteRequest('GET', '/api/v1/asset_layouts', 0, ids)).toEqual({
      method: 'GET',
      path: '/api/v1/asset_layouts',
    });
  });

  it('plans the same mix: creates first, then the rest, each as many times as counted', () => {
    const plan = floorPlan([
      { method: 'GET', route: '/api/v1/companies', count: 2 },
      { method: 'POST', route: '/api/v1/companies', count: 1 },
      { method: 'PUT', route: '/api/v1/companies/:id', count: 1 },
    ]);
    expect(plan.map((p) => `${p.wave} ${p.method} ${p.index}`)).toEqual([
      '1 POST 0',
      '2 GET 0',
      '2 GET 1',
      '2 PUT 0',
    ]);
  });

  it('the pool never runs more than its concurrency at once and runs everything', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await pool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      done.push(n);
      running--;
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
