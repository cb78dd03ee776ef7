import {
  acceptsOnlyJson,
  escapeHtml,
  explanationPage,
  isOnHuduOrigin,
  jumpUrlFor,
  manageLinkFor,
  normalisePublicBaseUrl,
  parseJumpQuery,
} from './jump';

describe('parseJumpQuery', () => {
  it('reads a Manage company id', () => {
    expect(parseJumpQuery({ integration_slug: 'cw_manage', integration_id: '250' })).toEqual({
      ok: true,
      target: { by: 'id', manageCompanyId: 250 },
    });
  });

  it('falls back to the identifier when no id is given (or the id is blank)', () => {
    for (const query of [
      { integration_slug: 'cw_manage', integration_identifier: ' ACME ' },
      { integration_slug: 'cw_manage', integration_id: '', integration_identifier: 'ACME' },
    ]) {
      expect(parseJumpQuery(query)).toEqual({
        ok: true,
        target: { by: 'identifier', manageIdentifier: 'ACME' },
      });
    }
  });

  it('prefers the id when both are given', () => {
    expect(
      parseJumpQuery({ integration_slug: 'cw_manage', integration_id: '7', integration_identifier: 'X' }),
    ).toEqual({ ok: true, target: { by: 'id', manageCompanyId: 7 } });
  });

  it.each([
    [{ integration_id: '1' }, 'integration_slug is required'],
    [{ integration_slug: 'halo', integration_id: '1' }, 'integration_slug must be cw_manage'],
    [
      { integration_slug: ['cw_manage', 'cw_manage'], integration_id: '1' },
      'integration_slug must be given once',
    ],
    [{ integration_slug: 'cw_manage' }, 'integration_id (or integration_identifier) is required'],
    [{ integration_slug: 'cw_manage', integration_id: 'abc' }, 'integration_id must be a Manage company id'],
    [{ integration_slug: 'cw_manage', integration_id: '-1' }, 'integration_id must be a Manage company id'],
    [{ integration_slug: 'cw_manage', integration_id: '1.5' }, 'integration_id must be a Manage company id'],
    [
      { integration_slug: 'cw_manage', integration_id: '12345678901' },
      'integration_id must be a Manage company id',
    ],
    [{ integration_slug: 'cw_manage', integration_id: '0' }, 'between 1 and 2147483647'],
    [{ integration_slug: 'cw_manage', integration_id: '2147483648' }, 'between 1 and 2147483647'],
    [{ integration_slug: 'cw_manage', integration_id: ['1', '2'] }, 'integration_id must be given once'],
    [{ integration_slug: 'cw_manage', integration_identifier: 'x'.repeat(101) }, 'at most 100 characters'],
    [{ integration_slug: 'cw_manage', integration_identifier: 'a\u0000b' }, 'control characters'],
  ])('rejects %j: %s', (query, reason) => {
    const result = parseJumpQuery(query);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });

  it('never echoes the input in a reason', () => {
    const result = parseJumpQuery({ integration_slug: 'cw_manage', integration_id: '<script>' });
    expect(result.ok ? '' : result.reason).not.toContain('<script>');
  });
});

describe('acceptsOnlyJson', () => {
  it.each([
    ['application/json', true],
    ['application/json, text/json', true],
    ['application/vnd.api+json', true],
    ['application/json, text/html;q=0', true],
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
    ['application/json, */*;q=0.1', false],
    ['application/json, text/*', false],
    ['text/plain', false],
  ])('%s → %s', (accept, expected) => {
    expect(acceptsOnlyJson(accept)).toBe(expected);
  });

  it('reads repeated headers together', () => {
    expect(acceptsOnlyJson(['application/json', 'text/html'])).toBe(false);
    expect(acceptsOnlyJson(['application/json'])).toBe(true);
  });
});

describe('isOnHuduOrigin', () => {
  const hudu = 'https://acme.huducloud.com';
  it.each([
    ['https://acme.huducloud.com/c/acme-1', true],
    ['https://ACME.huducloud.com/c/acme-1', true],
    ['https://acme.huducloud.com:443/c/x', true],
    ['http://acme.huducloud.com/c/x', false],
    ['https://acme.huducloud.com.evil.example/c/x', false],
    ['https://evil.example/c/x', false],
    ['https://user:pw@acme.huducloud.com/c/x', false],
    ['https://acme.huducloud.com:8443/c/x', false],
    ['javascript:alert(1)', false],
    ['/c/relative', false],
    ['not a url', false],
  ])('%s → %s', (target, expected) => {
    expect(isOnHuduOrigin(target, hudu)).toBe(expected);
  });

  it('accepts a base URL with a path (…/api/v1) by its origin, and a loopback simulator', () => {
    expect(isOnHuduOrigin('https://acme.huducloud.com/c/x', 'https://acme.huducloud.com/api/v1')).toBe(true);
    expect(isOnHuduOrigin('http://127.0.0.1:4000/c/x', 'http://127.0.0.1:4000')).toBe(true);
    expect(isOnHuduOrigin('http://127.0.0.1:4001/c/x', 'http://127.0.0.1:4000')).toBe(false);
    expect(isOnHuduOrigin('https://acme.huducloud.com/c/x', 'garbage')).toBe(false);
  });
});

describe('public base URL, jump URL and the Manage Link', () => {
  it('normalises the base URL and rejects unsafe ones', () => {
    expect(normalisePublicBaseUrl('https://links.example.com/')).toBe('https://links.example.com');
    expect(normalisePublicBaseUrl('https://links.example.com/cwhs//')).toBe('https://links.example.com/cwhs');
    expect(() => normalisePublicBaseUrl('links.example.com')).toThrow('absolute URL');
    expect(() => normalisePublicBaseUrl('ftp://links.example.com')).toThrow('http(s)');
    expect(() => normalisePublicBaseUrl('https://u:p@links.example.com')).toThrow('credentials');
    expect(() => normalisePublicBaseUrl('https://links.example.com/?a=1')).toThrow('query');
  });

  it('builds the jump URL of a company', () => {
    expect(jumpUrlFor('https://links.example.com', 'acme-msp', 250)).toBe(
      'https://links.example.com/acme-msp/api/v1/companies/jump?integration_id=250&integration_slug=cw_manage',
    );
  });

  it('gives the exact Manage Link, with [companyrecordid], and the steps to create it', () => {
    const link = manageLinkFor('https://links.example.com', 'acme-msp');
    expect(link).toMatchObject({
      name: 'Hudu',
      table: 'Company',
      definition:
        'https://links.example.com/acme-msp/api/v1/companies/jump?integration_id=[companyrecordid]&integration_slug=cw_manage',
    });
    expect(link.steps.join('\n')).toContain('System → Setup Tables');
    expect(link.steps.join('\n')).toContain('Links');
    expect(link.steps.join('\n')).toContain(link.definition);
  });
});

describe('explanation page', () => {
  it('escapes what it shows', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = explanationPage('Not <found>', 'Because & so');
    expect(html).toContain('<h1>Not &lt;found&gt;</h1>');
    expect(html).toContain('<p>Because &amp; so</p>');
  });
});
