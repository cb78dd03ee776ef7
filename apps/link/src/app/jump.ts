/**
 * The jump link, in pure functions: what a request asks for, whether it may be answered with a page,
 * where it may go, and the Manage Link an admin creates. No I/O here.
 *
 * Multi-tenant design: the integration is the first path segment, so one deployment serves every
 * integration with one Manage Link definition per integration:
 *   <PUBLIC_BASE_URL>/<integration id>/api/v1/companies/jump?integration_id=<Manage company id>&integration_slug=cw_manage
 */

export const MANAGE_SLUG = 'cw_manage';
/** Manage record ids are positive 32-bit integers. */
export const MAX_MANAGE_ID = 2_147_483_647;
/** Manage company identifiers are at most 30 characters in Manage; allow some room, never unbounded. */
export const MAX_IDENTIFIER_LENGTH = 100;

export type JumpTarget =
  { by: 'id'; manageCompanyId: number } | { by: 'identifier'; manageIdentifier: string };

export type JumpQueryResult = { ok: true; target: JumpTarget } | { ok: false; reason: string };

type Query = Record<string, unknown>;

/** Query values arrive as a string, or an array when repeated; a repeated parameter is ambiguous. */
function single(query: Query, name: string): { value?: string; error?: string } {
  const raw = query[name];
  if (raw === undefined) return {};
  if (typeof raw !== 'string') return { error: `${name} must be given once` };
  return { value: raw };
}

/**
 * Reads `integration_slug` (must be cw_manage) and `integration_id` (a Manage company id) or, when no id
 * is given, `integration_identifier` (a Manage company identifier). Reasons never echo the input.
 */
export function parseJumpQuery(query: Query): JumpQueryResult {
  const slug = single(query, 'integration_slug');
  if (slug.error) return { ok: false, reason: slug.error };
  if (slug.value === undefined || slug.value === '')
    return { ok: false, reason: `integration_slug is required and must be ${MANAGE_SLUG}` };
  if (slug.value !== MANAGE_SLUG)
    return {
      ok: false,
      reason: `integration_slug must be ${MANAGE_SLUG}: this link serves ConnectWise Manage`,
    };

  const id = single(query, 'integration_id');
  if (id.error) return { ok: false, reason: id.error };
  if (id.value !== undefined && id.value !== '') {
    if (!/^[0-9]{1,10}$/.test(id.value))
      return { ok: false, reason: 'integration_id must be a Manage company id (a positive whole number)' };
    const manageCompanyId = Number(id.value);
    if (manageCompanyId < 1 || manageCompanyId > MAX_MANAGE_ID)
      return { ok: false, reason: `integration_id must be between 1 and ${MAX_MANAGE_ID}` };
    return { ok: true, target: { by: 'id', manageCompanyId } };
  }

  const identifier = single(query, 'integration_identifier');
  if (identifier.error) return { ok: false, reason: identifier.error };
  const text = identifier.value?.trim();
  if (text === undefined || text === '')
    return { ok: false, reason: 'integration_id (or integration_identifier) is required' };
  if (text.length > MAX_IDENTIFIER_LENGTH)
    return {
      ok: false,
      reason: `integration_identifier must be at most ${MAX_IDENTIFIER_LENGTH} characters`,
    };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text))
    return { ok: false, reason: 'integration_identifier must not contain control characters' };
  return { ok: true, target: { by: 'identifier', manageIdentifier: text } };
}

const JSON_TYPE = /^(application\/json|text\/json|application\/[a-z0-9.+-]*\+json)$/;

/**
 * True when the Accept header admits only JSON (every range with q > 0 is a JSON type): the jump is a
 * browser link, so, as Hudu does, such a caller gets 406. No header, or any range that admits a page
 * (`*\/*`, `text/*`, `text/html`, …), is not JSON-only.
 */
export function acceptsOnlyJson(accept: string | string[] | undefined): boolean {
  const header = Array.isArray(accept) ? accept.join(',') : accept;
  if (header === undefined || header.trim() === '') return false;
  const ranges = header
    .split(',')
    .map((part) => {
      const [type = '', ...parameters] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = parameters.find((p) => p.startsWith('q='));
      const quality = q === undefined ? 1 : Number(q.slice(2));
      return { type, quality: Number.isFinite(quality) ? quality : 1 };
    })
    .filter((range) => range.type !== '' && range.quality > 0);
  return ranges.length > 0 && ranges.every((range) => JSON_TYPE.test(range.type));
}

/**
 * True when `target` is an http(s) URL on exactly the integration's Hudu origin (scheme, host and port).
 * A stored URL anywhere else is never redirected to.
 */
export function isOnHuduOrigin(target: string, huduBaseUrl: string): boolean {
  let url: URL;
  let base: URL;
  try {
    url = new URL(target);
    base = new URL(huduBaseUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username || url.password) return false;
  return url.origin === base.origin;
}

/** Validates PUBLIC_BASE_URL (http(s), no credentials, query or fragment) and drops a trailing slash. */
export function normalisePublicBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('must be an absolute URL such as https://links.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('must be an http(s) URL');
  if (url.username || url.password) throw new Error('must not carry credentials');
  if (url.search || url.hash) throw new Error('must not have a query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The jump URL for one company (what LinkUpdated carries). */
export function jumpUrlFor(publicBaseUrl: string, integrationId: string, manageCompanyId: number): string {
  return `${publicBaseUrl}/${encodeURIComponent(integrationId)}/api/v1/companies/jump?integration_id=${manageCompanyId}&integration_slug=${MANAGE_SLUG}`;
}

export interface ManageLink {
  name: 'Hudu';
  table: 'Company';
  definition: string;
  steps: string[];
}

/** The exact Manage Link (System → Setup Tables → Links) an admin creates for one integration. */
export function manageLinkFor(publicBaseUrl: string, integrationId: string): ManageLink {
  const definition = `${publicBaseUrl}/${encodeURIComponent(integrationId)}/api/v1/companies/jump?integration_id=[companyrecordid]&integration_slug=${MANAGE_SLUG}`;
  return {
    name: 'Hudu',
    table: 'Company',
    definition,
    steps: [
      'In ConnectWise Manage, open System → Setup Tables.',
      'Search for the "Links" table and open it.',
      'Click + (New) to add a link.',
      'Link Name: Hudu',
      'Table Reference: Company',
      `Link Definition: ${definition}`,
      'Save. The link appears under the Links menu of every company; it opens that company in Hudu.',
    ],
  };
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A small, plain HTML page for a person who clicked the link in Manage. */
export function explanationPage(title: string, explanation: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>',
    escapeHtml(title),
    '</title></head><body><h1>',
    escapeHtml(title),
    '</h1><p>',
    escapeHtml(explanation),
    '</p></body></html>',
    '',
  ].join('');
}
