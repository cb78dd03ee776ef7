import { redactedQuery, redactedUrlAttributes } from './redaction';

describe('redactedQuery', () => {
  it('keeps parameter names and numeric values only', () => {
    expect(redactedQuery('?page=2&pageSize=1000&conditions=name%20like%20%22Jane%20Doe%22')).toBe(
      '?page=2&pageSize=1000&conditions=*',
    );
  });

  it('redacts e-mail addresses, names and tokens', () => {
    const query = redactedQuery('?search=jane%40example.com&name=Acme+Corp&api_key=abc123');
    expect(query).toBe('?search=*&name=*&api_key=*');
    for (const personal of ['jane', 'example', 'Acme', 'abc123']) expect(query).not.toContain(personal);
  });

  it('is empty without a query', () => {
    expect(redactedQuery('')).toBe('');
    expect(redactedQuery('?')).toBe('');
  });
});

describe('redactedUrlAttributes', () => {
  it('rebuilds url.full from origin and path with the query redacted', () => {
    expect(
      redactedUrlAttributes('https://hudu.example.com', '/api/v1/companies?name=Jane%20Doe%20LLC&page=1'),
    ).toEqual({
      'url.full': 'https://hudu.example.com/api/v1/companies?name=*&page=1',
      'url.query': '?name=*&page=1',
    });
  });

  it('drops user info', () => {
    expect(
      redactedUrlAttributes('https://user:pass@na.example.com', '/v4_6_release/apis/3.0/x')['url.full'],
    ).toBe('https://na.example.com/v4_6_release/apis/3.0/x');
  });
});
