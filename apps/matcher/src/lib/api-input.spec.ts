import {
  adminDecidedBy,
  companyParamsSchema,
  confirmExactBodySchema,
  decisionBodySchema,
  integrationParamsSchema,
  issuesOf,
  listQuerySchema,
} from './api-input';

describe('path parameters', () => {
  it('takes an integration id and a positive Manage company id', () => {
    expect(companyParamsSchema.parse({ id: 'acme-1', manageCompanyId: '250' })).toEqual({
      id: 'acme-1',
      manageCompanyId: 250,
    });
    expect(integrationParamsSchema.parse({ id: 'acme' })).toEqual({ id: 'acme' });
  });
  it.each([['0'], ['-1'], ['1.5'], ['abc'], ['1e3'], ['9999999999999999']])(
    'refuses company id %s',
    (value) => {
      expect(companyParamsSchema.safeParse({ id: 'acme', manageCompanyId: value }).success).toBe(false);
    },
  );
  it('refuses a malformed integration id', () => {
    expect(integrationParamsSchema.safeParse({ id: 'a b' }).success).toBe(false);
    expect(integrationParamsSchema.safeParse({ id: '' }).success).toBe(false);
  });
});

describe('listQuerySchema', () => {
  it('defaults to 50 from 0, any status', () => {
    expect(listQuerySchema.parse({})).toEqual({ limit: 50, offset: 0 });
    expect(listQuerySchema.parse({ status: 'pending', limit: '10', offset: '20' })).toEqual({
      status: 'pending',
      limit: 10,
      offset: 20,
    });
  });
  it.each([
    [{ status: 'maybe' }],
    [{ limit: '0' }],
    [{ limit: '501' }],
    [{ limit: 'ten' }],
    [{ offset: '-1' }],
    [{ other: '1' }],
  ])('refuses %p', (query) => {
    expect(listQuerySchema.safeParse(query).success).toBe(false);
  });
});

describe('decisionBodySchema', () => {
  it('takes link (with a Hudu company), create and ignore', () => {
    expect(decisionBodySchema.parse({ decision: 'link', huduCompanyId: 5 })).toEqual({
      decision: 'link',
      huduCompanyId: 5,
    });
    expect(decisionBodySchema.parse({ decision: 'create', by: 'alice' })).toEqual({
      decision: 'create',
      by: 'alice',
    });
    expect(decisionBodySchema.parse({ decision: 'ignore' })).toEqual({ decision: 'ignore' });
  });
  it.each([
    [{}],
    [{ decision: 'link' }],
    [{ decision: 'link', huduCompanyId: '5' }],
    [{ decision: 'link', huduCompanyId: 0 }],
    [{ decision: 'create', huduCompanyId: 5 }],
    [{ decision: 'merge' }],
    [{ decision: 'ignore', by: '<script>' }],
    [null],
    ['link'],
  ])('refuses %p with reasons', (body) => {
    const result = decisionBodySchema.safeParse(body);
    expect(result.success).toBe(false);
    if (!result.success) expect(issuesOf(result.error).length).toBeGreaterThan(0);
  });
  it('says where the problem is', () => {
    const result = decisionBodySchema.safeParse({ decision: 'link', huduCompanyId: -3 });
    expect(result.success ? [] : issuesOf(result.error)).toEqual([expect.stringMatching(/^huduCompanyId: /)]);
  });
});

describe('confirmExactBodySchema / adminDecidedBy', () => {
  it('takes no body or who', () => {
    expect(confirmExactBodySchema.parse(undefined)).toEqual({});
    expect(confirmExactBodySchema.parse({ by: 'bob' })).toEqual({ by: 'bob' });
    expect(confirmExactBodySchema.safeParse({ all: true }).success).toBe(false);
  });
  it('names the admin', () => {
    expect(adminDecidedBy(undefined)).toBe('admin:api');
    expect(adminDecidedBy('alice')).toBe('admin:alice');
  });
});
