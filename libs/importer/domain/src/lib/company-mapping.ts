import type { ManageCompany } from '@cw-hudu-sync/contracts';
import { type MappedFields, text } from './values';

/** The Hudu company attributes the importer owns. */
export const COMPANY_FIELDS = [
  'name',
  'id_number',
  'company_type',
  'address_line_1',
  'address_line_2',
  'city',
  'state',
  'zip',
  'country_name',
  'phone_number',
  'fax_number',
  'website',
] as const;
export type CompanyField = (typeof COMPANY_FIELDS)[number];
export type CompanyValues = Record<CompanyField, string | null>;

/** A Manage company as Hudu company attributes. The identifier becomes Hudu's id number. */
export function mapCompany(company: ManageCompany): CompanyValues {
  return {
    name: text(company.name) ?? company.identifier,
    id_number: text(company.identifier),
    company_type: text(company.typeNames?.[0]),
    address_line_1: text(company.addressLine1),
    address_line_2: text(company.addressLine2),
    city: text(company.city),
    state: text(company.state),
    zip: text(company.zip),
    country_name: text(company.country),
    phone_number: text(company.phoneNumber),
    fax_number: text(company.faxNumber),
    website: text(company.website),
  };
}

export function companyFields(values: CompanyValues): MappedFields {
  return { ...values };
}

const tidy = (value: string) => value.replace(/\s+/g, ' ').trim();
const nameKey = (value: string) => tidy(value.normalize('NFKC')).toLowerCase();

/**
 * The name for a new Hudu company that no existing one has (Hudu refuses duplicate company names,
 * Manage allows them). The same rule as the matcher's `uniqueHuduName` (the module boundaries keep the
 * importer from importing the matcher's library, so it is kept here too):
 *  1. the Manage name (trimmed, whitespace collapsed; the identifier when blank), when free;
 *  2. else `<name> (<identifier>)`;
 *  3. else `<name> (<identifier>) (2)`, `(3)`, … the first free one.
 * Names compare case-insensitively (NFKC). Archived companies count: they keep their names.
 */
export function uniqueCompanyName(name: string, identifier: string, taken: Iterable<string>): string {
  const keys = new Set<string>();
  for (const existing of taken) keys.add(nameKey(existing));
  const free = (candidate: string) => !keys.has(nameKey(candidate));
  const id = tidy(identifier);
  const base = tidy(name) || id;
  if (free(base)) return base;
  const qualified = id === '' || base === id || base.endsWith(`(${id})`) ? base : `${base} (${id})`;
  if (free(qualified)) return qualified;
  for (let n = 2; ; n++) {
    const numbered = `${qualified} (${n})`;
    if (free(numbered)) return numbered;
  }
}

/**
 * Whether a Hudu company name is the Manage name or one the clash rule made from it
 * (`<name> (<identifier>)`, `… (n)`): such a name is not a change to write back.
 */
export function isNameFromClashRule(huduName: string, name: string, identifier: string): boolean {
  const hudu = nameKey(huduName);
  const base = nameKey(tidy(name) || identifier);
  if (hudu === base) return true;
  const qualified = nameKey(`${tidy(name) || identifier} (${tidy(identifier)})`);
  if (hudu === qualified) return true;
  const numbered = new RegExp(`^${escapeRegExp(qualified)} \\((\\d+)\\)$`);
  return numbered.test(hudu);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
