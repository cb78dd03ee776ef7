/**
 * The registrable-ish domain of a website as typed into Manage or Hudu (`http://www.acme.com/`, `acme.com`,
 * `WWW.Acme.Com:443/path`, `info@acme.com` → `acme.com`), or undefined for anything that is not a public
 * host name (`n/a`, `localhost`, `10.0.0.1`, `acme`).
 *
 * Without a public-suffix list the registrable part is approximated: the last two labels, or three when the
 * second-level label is a common one under a two-letter country code (`acme.co.uk`, `acme.com.au`), or one
 * more under a multi-tenant platform (`acme.wixsite.com`, `acme.github.io`) where every tenant is a different
 * company. Internationalised names come back in their ASCII (punycode) form. When the field holds several
 * addresses, the first usable one counts.
 */
export function websiteDomain(website: string | null | undefined): string | undefined {
  if (typeof website !== 'string') return undefined;
  for (const piece of website.trim().split(/[\s,;|]+/)) {
    const domain = domainOf(piece);
    if (domain !== undefined) return domain;
  }
  return undefined;
}

/**
 * Whether two companies sharing this domain says anything about them being the same company. Social
 * networks, link shorteners, placeholders and the bare multi-tenant platforms are shared by unrelated companies.
 */
export function isIdentifyingDomain(domain: string): boolean {
  return !NON_IDENTIFYING_DOMAINS.has(domain) && !MULTI_TENANT_PLATFORMS.has(domain);
}

/** Second-level labels under a two-letter country code under which companies register (`co.uk`, `com.au`). */
// prettier-ignore
export const COUNTRY_SECOND_LEVELS: ReadonlySet<string> = new Set([
  'ac', 'co', 'com', 'edu', 'gob', 'gov', 'gv', 'ltd', 'me', 'mil', 'ne', 'net', 'nhs', 'nom', 'or', 'org',
  'plc', 'sch', 'asn', 'id', 'info', 'biz', 'go', 'gr', 'ed', 'lg', 'in', 'firm', 'gen', 'ind',
]);

/** Registrable domains whose sub-domains belong to different customers. */
// prettier-ignore
export const MULTI_TENANT_PLATFORMS: ReadonlySet<string> = new Set([
  'azurewebsites.net', 'blogspot.com', 'business.site', 'carrd.co', 'cloudapp.net', 'firebaseapp.com',
  'github.io', 'gitlab.io', 'godaddysites.com', 'herokuapp.com', 'jimdosite.com', 'myshopify.com',
  'netlify.app', 'onmicrosoft.com', 'pages.dev', 'sharepoint.com', 'square.site', 'squarespace.com',
  'vercel.app', 'web.app', 'webflow.io', 'weebly.com', 'wixsite.com', 'wordpress.com',
]);

/** Domains many unrelated companies put in their website field. */
// prettier-ignore
export const NON_IDENTIFYING_DOMAINS: ReadonlySet<string> = new Set([
  'bit.ly', 'example.com', 'example.net', 'example.org', 'facebook.com', 'fb.com', 'google.com', 'goo.gl',
  'instagram.com', 'linkedin.com', 'linktr.ee', 'tiktok.com', 'twitter.com', 'x.com', 'yelp.com', 'youtube.com',
]);

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const WWW = /^www\d*$/;

function domainOf(piece: string): string | undefined {
  let rest = piece
    .replace(/^[a-z][a-z0-9+.-]*:\/\/+/i, '') // scheme://
    .replace(/^(?:https?|ftp)(?::\/*|\/+)/i, '') // typos: http//, https:/, http:
    .replace(/^\/\/+/, '');
  rest = rest.split(/[/?#\\]/, 1)[0] ?? '';
  rest = rest.slice(rest.lastIndexOf('@') + 1); // user:password@ or an e-mail address
  if (rest.startsWith('[')) return undefined; // IPv6 literal
  rest = rest.replace(/:\d*$/, '');
  let host: string;
  try {
    host = new URL(`http://${rest}`).hostname; // lower case, IDN → punycode, `。` → `.`
  } catch {
    return undefined;
  }
  const labels = host.replace(/\.$/, '').split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return undefined;
  const tld = labels[labels.length - 1] ?? '';
  if (!/^(?:[a-z]{2,63}|xn--[a-z0-9-]+)$/.test(tld)) return undefined; // IPv4, numeric TLDs
  while (labels.length > 2 && WWW.test(labels[0] ?? '')) labels.shift();
  if (WWW.test(labels[0] ?? '')) return undefined; // `www.com`, `www.acme` with no TLD
  return registrable(labels);
}

function registrable(labels: string[]): string | undefined {
  const lastTwo = labels.slice(-2).join('.');
  const [sld = '', tld = ''] = labels.slice(-2);
  let keep = 2;
  if (tld.length === 2 && COUNTRY_SECOND_LEVELS.has(sld)) keep = 3;
  else if (MULTI_TENANT_PLATFORMS.has(lastTwo) && labels.length > 2) keep = 3;
  if (labels.length < keep) return undefined; // `co.uk` alone is a suffix, not a domain
  return labels.slice(-keep).join('.');
}
