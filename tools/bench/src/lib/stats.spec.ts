import {
  byRoute,
  diffCounts,
  fromHuduCounters,
  fixedWindowFloorMs,
  fromManageCounters,
  huduRouteLabel,
  manageRouteLabel,
  mergeCounts,
  percentile,
  perSecond,
  rateLimitFloorMs,
  ratio,
  routeTemplate,
  tooManyRequestsOf,
  totalOf,
  writesOf,
  type RouteCount,
} from './stats';

const row = (method: string, route: string, status: string, count: number): RouteCount => ({
  method,
  route,
  status,
  count,
});

describe('route templates', () => {
  it('turns concrete Hudu paths into the simulator’s templates', () => {
    expect(routeTemplate('/api/v1/companies/12/assets/345')).toBe('/api/v1/companies/:company_id/assets/:id');
    expect(routeTemplate('/api/v1/companies/12/assets')).toBe('/api/v1/companies/:company_id/assets');
    expect(routeTemplate('/api/v1/companies/12')).toBe('/api/v1/companies/:id');
    expect(routeTemplate('/api/v1/companies/12/archive')).toBe('/api/v1/companies/:id/archive');
    expect(routeTemplate('/api/v1/assets?company_id=3&name=x')).toBe('/api/v1/assets');
    expect(routeTemplate('/api/v1/companies/jump')).toBe('/api/v1/companies/jump');
  });

  it('labels routes without their fixed prefixes', () => {
    expect(huduRouteLabel('/api/v1/companies/:id')).toBe('/companies/:id');
    expect(manageRouteLabel('/:codebase/apis/3.0/company/configurations')).toBe('/company/configurations');
    expect(manageRouteLabel('/login/companyinfo/:companyId')).toBe('/login/companyinfo/:companyId');
  });
});

describe('counters', () => {
  it('reads the Hudu simulator’s counters', () => {
    expect(
      fromHuduCounters({
        total: 3,
        entries: [{ method: 'GET', route: '/api/v1/companies', status: 200, count: 3 }],
      }),
    ).toEqual([row('GET', '/api/v1/companies', '200', 3)]);
  });

  it('reads the Manage simulator’s counters, leaving out its control routes', () => {
    expect(
      fromManageCounters({
        'GET /:codebase/apis/3.0/company/companies 200': 5,
        'GET /:codebase/apis/3.0/company/companies 429': 1,
        'PATCH /_sim/:resource/:id 200': 4,
        'GET /login/companyinfo/:companyId 200': 1,
        nonsense: 2,
      }),
    ).toEqual([
      row('GET', '/company/companies', '200', 5),
      row('GET', '/company/companies', '429', 1),
      row('GET', '/login/companyinfo/:companyId', '200', 1),
    ]);
  });

  it('subtracts an earlier snapshot and leaves out what did not change', () => {
    const before = [row('GET', '/a', '200', 5), row('POST', '/a', '200', 2)];
    const after = [row('GET', '/a', '200', 9), row('POST', '/a', '200', 2), row('PUT', '/a/:id', '200', 1)];
    expect(diffCounts(before, after)).toEqual([row('GET', '/a', '200', 4), row('PUT', '/a/:id', '200', 1)]);
  });

  it('counts writes (anything but GET/HEAD, whatever the answer) and 429s', () => {
    const rows = [
      row('GET', '/a', '200', 10),
      row('POST', '/a', '200', 3),
      row('PUT', '/a/:id', '429', 2),
      row('GET', '/a', '429', 1),
    ];
    expect(totalOf(rows)).toBe(16);
    expect(writesOf(rows)).toBe(5);
    expect(tooManyRequestsOf(rows)).toBe(3);
  });

  it('merges equal keys and groups by method and route over statuses', () => {
    const rows = [
      row('GET', '/b', '200', 1),
      row('GET', '/a', '200', 2),
      row('GET', '/a', '200', 3),
      row('GET', '/a', '429', 1),
    ];
    expect(mergeCounts(rows)).toEqual([
      row('GET', '/a', '200', 5),
      row('GET', '/a', '429', 1),
      row('GET', '/b', '200', 1),
    ]);
    expect(byRoute(rows)).toEqual([
      { method: 'GET', route: '/a', count: 6 },
      { method: 'GET', route: '/b', count: 1 },
    ]);
  });
});

describe('arithmetic', () => {
  it('nearest-rank percentiles', () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 0)).toBe(15);
    expect(percentile(values, 30)).toBe(20);
    expect(percentile(values, 40)).toBe(20);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 100)).toBe(50);
    expect(percentile([], 50)).toBeUndefined();
    expect(() => percentile(values, 101)).toThrow('0..100');
  });

  it('the fixed-window floor: the last call goes out when the window that holds it opens', () => {
    // Start 10 s into a 60 s window: 300 calls fit in it, the 301st waits for the next window (50 s).
    expect(fixedWindowFloorMs(300, 300, 60_000, 70_000)).toBe(0);
    expect(fixedWindowFloorMs(301, 300, 60_000, 70_000)).toBe(50_000);
    expect(fixedWindowFloorMs(900, 300, 60_000, 70_000)).toBe(110_000);
    // Calls already counted in the first window push the rest on.
    expect(fixedWindowFloorMs(295, 300, 60_000, 70_000, 10)).toBe(50_000);
    expect(fixedWindowFloorMs(0, 300, 60_000, 70_000)).toBe(0);
    expect(() => fixedWindowFloorMs(1, 0, 60_000, 0)).toThrow('positive');
  });

  it('ratios, rates and the rate-limit floor', () => {
    expect(ratio(105, 100)).toBeCloseTo(1.05);
    expect(ratio(1, 0)).toBeUndefined();
    expect(rateLimitFloorMs(1_200, 1_200)).toBe(60_000);
    expect(rateLimitFloorMs(300, 1_200)).toBe(15_000);
    expect(() => rateLimitFloorMs(1, 0)).toThrow('positive');
    expect(perSecond(2_000, 500)).toBe(4_000);
    expect(perSecond(1, 0)).toBeUndefined();
  });
});
