import { Random } from './random';

/**
 * The Hudu side as an MSP's tenant looks before the sync first runs: companies somebody already typed in
 * by hand (some named exactly like Manage, some nearly, some unrelated, a few that collide once names are
 * normalised) and the asset layouts the sync writes into. Pure and deterministic: same input, same seed.
 */

/** The Manage facts the seed needs about a company. */
export interface HuduSeedManageCompany {
  id: number;
  identifier: string;
  name: string;
  website?: string;
}

export interface HuduSeedOptions {
  seed: number | string;
  manageCompanies: readonly HuduSeedManageCompany[];
}

/** A company as created through `POST /companies` (Hudu assigns id, slug and timestamps). */
export interface HuduSeedCompany {
  name: string;
  nickname: string | null;
  company_type: string | null;
  id_number: string | null;
  website: string | null;
  city: string | null;
  notes: string;
  archived: boolean;
  /** Why this company is in the seed; tests use it to find the interesting ones. */
  kind: 'exact' | 'approximate' | 'unrelated' | 'duplicate-normalised';
  /** The Manage company it resembles, when it resembles one. */
  manageCompanyId: number | null;
}

export type HuduFieldType =
  | 'Text'
  | 'RichText'
  | 'Heading'
  | 'CheckBox'
  | 'Website'
  | 'Password'
  | 'Number'
  | 'Date'
  | 'ListSelect'
  | 'Embed'
  | 'Email'
  | 'Phone'
  | 'AssetTag'
  | 'Relation'
  | 'AddressData'
  | 'Dropdown';

export interface HuduSeedLayoutField {
  label: string;
  field_type: HuduFieldType;
  required: boolean;
  show_in_list: boolean;
  hint: string;
  position: number;
}

export interface HuduSeedAssetLayout {
  name: string;
  icon: string;
  color: string;
  icon_color: string;
  active: boolean;
  fields: HuduSeedLayoutField[];
}

export interface HuduSeed {
  companies: HuduSeedCompany[];
  assetLayouts: HuduSeedAssetLayout[];
}

/** Names of the layouts the seed always contains. */
export const HUDU_SEED_LAYOUTS = {
  configurations: 'Configurations',
  contacts: 'Contacts',
  inactive: 'Legacy Devices',
} as const;

function layoutFields(specs: ReadonlyArray<[string, HuduFieldType, boolean?]>): HuduSeedLayoutField[] {
  return specs.map(([label, field_type, required], index) => ({
    label,
    field_type,
    required: required ?? false,
    show_in_list: index < 3,
    hint: '',
    position: index + 1,
  }));
}

export function huduSeedAssetLayouts(): HuduSeedAssetLayout[] {
  return [
    {
      name: HUDU_SEED_LAYOUTS.configurations,
      icon: 'fas fa-desktop',
      color: '#2f6fde',
      icon_color: '#ffffff',
      active: true,
      fields: layoutFields([
        ['Configuration Type', 'Text'],
        ['Status', 'Text'],
        ['Serial Number', 'Text'],
        ['Model', 'Text'],
        ['Manufacturer', 'Text'],
        ['IP Address', 'Text'],
        ['MAC Address', 'Text'],
        ['OS', 'Text'],
        ['Warranty Expiration', 'Date'],
        ['Notes', 'RichText'],
      ]),
    },
    {
      name: HUDU_SEED_LAYOUTS.contacts,
      icon: 'fas fa-user',
      color: '#1e9e6a',
      icon_color: '#ffffff',
      active: true,
      fields: layoutFields([
        ['First Name', 'Text'],
        ['Last Name', 'Text'],
        ['Title', 'Text'],
        ['Email', 'Email'],
        ['Phone', 'Phone'],
        ['Mobile', 'Phone'],
        ['Notes', 'RichText'],
      ]),
    },
    {
      name: HUDU_SEED_LAYOUTS.inactive,
      icon: 'fas fa-archive',
      color: '#888888',
      icon_color: '#ffffff',
      active: false,
      fields: layoutFields([
        ['Asset Tag', 'Text'],
        ['Location', 'Text'],
      ]),
    },
  ];
}

const LEGAL_SUFFIX_SWAPS: ReadonlyArray<[RegExp, string]> = [
  [/\bInc\.?$/i, 'Incorporated'],
  [/\bIncorporated$/i, 'Inc.'],
  [/\bLtd\.?$/i, 'Limited'],
  [/\bLimited$/i, 'Ltd'],
  [/\bLLC$/i, 'L.L.C.'],
  [/\bCorp\.?$/i, 'Corporation'],
  [/\bCorporation$/i, 'Corp'],
  [/\bCo\.?$/i, 'Company'],
];

/** A name a human might have typed for the same company: case, punctuation or legal-suffix differences. */
function approximateName(name: string, random: Random): string {
  const swap = LEGAL_SUFFIX_SWAPS.find(([pattern]) => pattern.test(name));
  const variants: Array<(n: string) => string> = [
    (n) => n.toUpperCase(),
    (n) => n.toLowerCase(),
    (n) => (n.includes('&') ? n.replace(/&/g, 'and') : `${n}.`),
    (n) => n.replace(/[.,'’]/g, '') + (/[.,'’]/.test(n) ? '' : ','),
    (n) => (swap ? n.replace(swap[0], swap[1]) : `${n} Inc`),
  ];
  const variant = random.pick(variants)(name);
  return variant === name ? `${name} (old)` : variant;
}

const UNRELATED_FIRST = ['Harbor', 'Summit', 'Cedar', 'Granite', 'Willow', 'Beacon', 'Redwood', 'Falcon'];
const UNRELATED_SECOND = ['Dental', 'Logistics', 'Bakery', 'Veterinary', 'Architects', 'Realty', 'Brewing'];
const CITIES = ['Springfield', 'Riverton', 'Lakeside', 'Fairview', 'Greenville'];

/** Lowercase, letters and digits only: how many scripts compare names, so these collide. */
export function normalisedSeedName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function huduSeed(options: HuduSeedOptions): HuduSeed {
  const random = new Random(options.seed).fork('hudu-seed');
  const companies: HuduSeedCompany[] = [];
  const taken = new Set<string>();

  const add = (
    company: Omit<HuduSeedCompany, 'nickname' | 'notes' | 'archived' | 'city'> & Partial<HuduSeedCompany>,
  ) => {
    // Hudu enforces unique names; a seed must be creatable through the API.
    if (taken.has(company.name)) return false;
    taken.add(company.name);
    companies.push({
      nickname: null,
      notes: '',
      archived: false,
      city: random.pick(CITIES),
      ...company,
    });
    return true;
  };

  for (const manage of options.manageCompanies) {
    const roll = random.next();
    if (roll < 0.3) {
      add({
        name: manage.name,
        company_type: 'Client',
        id_number: random.chance(0.5) ? manage.identifier : null,
        website: manage.website ?? null,
        kind: 'exact',
        manageCompanyId: manage.id,
      });
    } else if (roll < 0.5) {
      add({
        name: approximateName(manage.name, random),
        company_type: 'Client',
        id_number: null,
        website: random.chance(0.5) ? (manage.website ?? null) : null,
        kind: 'approximate',
        manageCompanyId: manage.id,
      });
    }
  }

  // Two Hudu companies that are the same once normalised, one of them resembling a Manage company when
  // there is one: a name-based matcher must see the ambiguity rather than pick either.
  const base = options.manageCompanies[0];
  const pairs: Array<{ name: string; manageCompanyId: number | null }> = [];
  if (base) pairs.push({ name: base.name, manageCompanyId: base.id });
  pairs.push({ name: `${random.pick(UNRELATED_FIRST)} Point Clinic`, manageCompanyId: null });
  for (const pair of pairs) {
    for (const name of [`${pair.name} (HQ)`, `${pair.name.toUpperCase()} HQ`]) {
      add({
        name,
        company_type: 'Client',
        id_number: null,
        website: null,
        kind: 'duplicate-normalised',
        manageCompanyId: pair.manageCompanyId,
      });
    }
  }

  const unrelatedCount = 3 + random.int(0, 2);
  for (let i = 0; i < unrelatedCount; i++) {
    const name = `${random.pick(UNRELATED_FIRST)} ${random.pick(UNRELATED_SECOND)}`;
    add({
      name,
      company_type: random.pick(['Client', 'Prospect', 'Vendor']),
      id_number: null,
      website: `${normalisedSeedName(name)}.example`,
      kind: 'unrelated',
      manageCompanyId: null,
      archived: i === 0,
    });
  }

  return { companies, assetLayouts: huduSeedAssetLayouts() };
}
