import fc from 'fast-check';
import { isIdentifyingDomain, websiteDomain } from './website-domain';

describe('websiteDomain', () => {
  it.each([
    ['http://www.acme.com/', 'acme.com'],
    ['https://www.acme.com', 'acme.com'],
    ['acme.com', 'acme.com'],
    ['WWW.Acme.Com:443/path', 'acme.com'],
    ['www.acme.com', 'acme.com'],
    ['www2.acme.com', 'acme.com'],
    ['  https://acme.com/contact?x=1#top  ', 'acme.com'],
    ['acme.com.', 'acme.com'],
    ['acme.com/', 'acme.com'],
    ['//acme.com', 'acme.com'],
    ['http//acme.com', 'acme.com'],
    ['https:/acme.com', 'acme.com'],
    ['httpbin.org', 'httpbin.org'],
    ['shop.acme.com', 'acme.com'],
    ['info@acme.com', 'acme.com'],
    ['mailto:info@acme.com', 'acme.com'],
    ['ftp://user:secret@files.acme.com:21/x', 'acme.com'],
    ['acme.co.uk', 'acme.co.uk'],
    ['www.shop.acme.co.uk', 'acme.co.uk'],
    ['acme.com.au', 'acme.com.au'],
    ['acme.de', 'acme.de'],
    ['https://www.acme.example', 'acme.example'],
    ['acme.wixsite.com/home', 'acme.wixsite.com'],
    ['shop.acme.myshopify.com', 'acme.myshopify.com'],
    ['https://bücher.de', 'xn--bcher-kva.de'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['acme。com', 'acme.com'],
    ['acme.com, acme.de', 'acme.com'],
    ['n/a acme.com', 'acme.com'],
    ['https://www.facebook.com/acme', 'facebook.com'],
  ])('%j → %s', (website, domain) => expect(websiteDomain(website)).toBe(domain));

  it.each([
    [undefined],
    [null],
    [''],
    ['   '],
    ['n/a'],
    ['none'],
    ['-'],
    ['http://'],
    ['localhost'],
    ['http://localhost:8080'],
    ['10.0.0.1'],
    ['http://192.168.1.1/admin'],
    ['http://[::1]/'],
    ['acme'],
    ['www.acme'],
    ['www.com'],
    ['co.uk'],
    ['acme..com'],
    ['acme_corp.com'],
    ['-acme.com'],
    ['acme.123'],
    ['acme.com:abc'],
  ])('%j → undefined', (website) => expect(websiteDomain(website)).toBeUndefined());

  it('is idempotent and ignores scheme, www, port, path and case', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    const host = fc
      .tuple(label, fc.constantFrom('com', 'net', 'de', 'co.uk', 'example'))
      .map(([l, t]) => `${l}.${t}`);
    const decorated = fc
      .tuple(
        host,
        fc.constantFrom('', 'http://', 'https://', 'HTTPS://'),
        fc.constantFrom('', 'www.', 'WWW.'),
        fc.constantFrom('', ':443', ':8080'),
        fc.constantFrom('', '/', '/path?q=1', '#x'),
      )
      .map(([h, scheme, www, port, path]) => ({
        host: h,
        website: `${scheme}${www}${h.toUpperCase()}${port}${path}`,
      }));
    fc.assert(
      fc.property(decorated, ({ host: h, website }) => {
        const domain = websiteDomain(website);
        return domain === websiteDomain(h) && domain !== undefined && websiteDomain(domain) === domain;
      }),
    );
  });

  it('never throws and returns lower-case dotted hosts or undefined', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (website) => {
        const domain = websiteDomain(website);
        return domain === undefined || (/^[a-z0-9.-]+$/.test(domain) && domain.includes('.'));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('isIdentifyingDomain', () => {
  it.each([
    ['acme.com', true],
    ['acme.wixsite.com', true],
    ['facebook.com', false],
    ['linkedin.com', false],
    ['wixsite.com', false],
    ['example.com', false],
  ])('%s → %s', (domain, identifying) => expect(isIdentifyingDomain(domain)).toBe(identifying));
});
