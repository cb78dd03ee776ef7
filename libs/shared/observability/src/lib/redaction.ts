/**
 * What an HTTP span may say about a URL: Manage `conditions` and Hudu searches put names (and e-mail
 * addresses) into query strings, so a traced URL keeps each parameter's NAME and only values that are
 * plain numbers (pages, page sizes, ids). The path is kept: it holds ids only.
 */
export const REDACTED = '*';

export function redactedQuery(search: string): string {
  const params = new URLSearchParams(search);
  if ([...params.keys()].length === 0) return '';
  const kept = [...params].map(
    ([name, value]) => `${encodeURIComponent(name)}=${/^\d{1,18}$/.test(value) ? value : REDACTED}`,
  );
  return `?${kept.join('&')}`;
}

/** The URL attributes of an outgoing request span, with the query redacted and no user info. */
export function redactedUrlAttributes(origin: string, path: string): Record<string, string> {
  const url = new URL(path, origin);
  const query = redactedQuery(url.search);
  return {
    'url.full': `${url.protocol}//${url.host}${url.pathname}${query}`,
    'url.query': query,
  };
}
