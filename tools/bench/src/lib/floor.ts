/**
 * The physical floor of scenario 3: the same number of Hudu requests, with the same method/route mix,
 * fired straight at a Hudu simulator with the same concurrency, with nothing else in between.
 */

export interface FloorRequest {
  method: string;
  path: string;
  body?: unknown;
}

export interface FloorIds {
  /** Companies that exist in the target Hudu (requests on a company use them round-robin). */
  companyIds: number[];
  /** Assets that exist (company, asset); updates and reads of one asset use them round-robin. */
  assets: Array<{ companyId: number; id: number }>;
  layoutId: number;
}

/** Creates run first (the updates after them act on what they made); reads and updates follow. */
export function isCreate(method: string): boolean {
  return method === 'POST';
}

/**
 * The concrete request for the `index`th occurrence of `METHOD route` (a simulator route template such
 * as `/api/v1/companies/:company_id/assets/:id`): parameters filled with ids that exist, bodies that Hudu
 * accepts (unique names for creates).
 */
export function concreteRequest(method: string, route: string, index: number, ids: FloorIds): FloorRequest {
  const company = ids.companyIds.length ? ids.companyIds[index % ids.companyIds.length] : undefined;
  const asset = ids.assets.length ? ids.assets[index % ids.assets.length] : undefined;
  const path = route
    .replace(':company_id', String(asset && route.includes('/assets/:id') ? asset.companyId : (company ?? 0)))
    .replace(':id', String(route.includes('/assets/') ? (asset?.id ?? 0) : (company ?? 0)));
  const unique = `floor-${method.toLowerCase()}-${index}`;
  if (method === 'POST' && route === '/api/v1/companies') {
    return { method, path, body: { company: { name: `Floor Company ${index}`, id_number: unique } } };
  }
  if (method === 'POST' && route.endsWith('/assets')) {
    return { method, path, body: { asset: { name: `Floor Asset ${index}`, asset_layout_id: ids.layoutId } } };
  }
  if (method === 'PUT' && /\/assets\/:id$/.test(route)) {
    return {
      method,
      path,
      body: { asset: { name: `Floor Asset ${index} (updated)`, asset_layout_id: ids.layoutId } },
    };
  }
  if (method === 'PUT' && route === '/api/v1/companies/:id') {
    return { method, path, body: { company: { notes: unique } } };
  }
  if (method === 'GET' && (route === '/api/v1/companies' || route === '/api/v1/assets')) {
    return { method, path: `${path}?page=${1 + (index % 4)}&page_size=25` };
  }
  return method === 'GET' || method === 'DELETE' ? { method, path } : { method, path, body: {} };
}

/** The whole plan for a mix, in two waves: the creates, then everything else. */
export function floorPlan(
  mix: ReadonlyArray<{ method: string; route: string; count: number }>,
): Array<{ wave: 1 | 2; method: string; route: string; index: number }> {
  const plan: Array<{ wave: 1 | 2; method: string; route: string; index: number }> = [];
  for (const wave of [1, 2] as const) {
    for (const { method, route, count } of mix) {
      if ((wave === 1) !== isCreate(method)) continue;
      for (let index = 0; index < count; index++) plan.push({ wave, method, route, index });
    }
  }
  return plan;
}

/** Runs `tasks` with at most `concurrency` at once, in order of start. */
export async function pool<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await run(item);
    }
  });
  await Promise.all(workers);
}
