import { Random } from './random';
import type {
  ManageCompany,
  ManageCompanyReference,
  ManageCompanyStatus,
  ManageConfiguration,
  ManageConfigurationStatus,
  ManageConfigurationType,
  ManageContact,
  ManageContactCommunicationItem,
  ManageInfo,
  ManageReference,
} from './manage-records';

/**
 * A deterministic ConnectWise Manage dataset, reproducible from (size, seed) alone. Companies (few) are
 * generated eagerly; configurations and contacts are computed per company on demand from their own seeded
 * generator, so even the large size never has to sit in memory at once.
 */
export type ManageDatasetSize = 'small' | 'medium' | 'large';

export const manageDatasetSizes: Record<
  ManageDatasetSize,
  { companies: number; configurations: number; contacts: number }
> = {
  small: { companies: 20, configurations: 200, contacts: 60 },
  medium: { companies: 500, configurations: 10_000, contacts: 4_000 },
  large: { companies: 2_000, configurations: 100_000, contacts: 40_000 },
};

export interface ManageDatasetOptions {
  size: ManageDatasetSize;
  seed?: number | string;
  /** Base of `_info` href links; real payloads carry a double slash before `apis`. */
  hrefBase?: string;
  /** Member identifier written to `_info.updatedBy`. */
  updatedBy?: string;
}

export interface ManageDataset {
  size: ManageDatasetSize;
  seed: number | string;
  counts: { companies: number; configurations: number; contacts: number };
  companyStatuses: readonly ManageCompanyStatus[];
  configurationTypes: readonly ManageConfigurationType[];
  configurationStatuses: readonly ManageConfigurationStatus[];
  companies: readonly ManageCompany[];
  /** The configurations of one company, in id order, computed on demand. */
  configurationsOf(company: ManageCompany | number): Generator<ManageConfiguration>;
  /** The contacts of one company, in id order, computed on demand. */
  contactsOf(company: ManageCompany | number): Generator<ManageContact>;
  /** Every configuration in id order. */
  configurations(): Generator<ManageConfiguration>;
  /** Every contact in id order. */
  contacts(): Generator<ManageContact>;
}

export const MANAGE_FIRST_CONFIGURATION_ID = 1001;
export const MANAGE_FIRST_CONTACT_ID = 30001;
const DATASET_EPOCH = Date.UTC(2019, 0, 1);
const DATASET_SPAN_MS = 6 * 365 * 24 * 3600 * 1000;

/** ISO UTC without milliseconds, as Manage writes dates (`2015-12-24T22:08:22Z`). */
export function manageDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const companyStatusSeed: Array<[string, Partial<ManageCompanyStatus>]> = [
  ['Active', { defaultFlag: true }],
  ['Inactive', { inactiveFlag: true }],
  ['Not-Approved', {}],
  ['Credit Hold', { notifyFlag: true, disallowSavingFlag: false }],
  ['Imported', {}],
  ['Out of Business', { inactiveFlag: true }],
];

const configurationTypeSeed: Array<[string, boolean]> = [
  ['Managed Server', false],
  ['Managed Workstation', false],
  ['Laptop', false],
  ['Firewall', false],
  ['Network Switch', false],
  ['Wireless Access Point', false],
  ['Printer', false],
  ['Microsoft 365 Tenant', false],
  ['Domain Name', false],
  ['SSL Certificate', false],
  ['Backup Appliance', false],
  ['Legacy Router', true],
  ['Fax Machine', true],
  ['Virtual Machine', false],
];

const configurationStatusSeed: Array<[string, boolean, boolean]> = [
  ['Active', false, true],
  ['Inactive', true, false],
  ['Retired', true, false],
  ['On Order', false, false],
  ['In Repair', false, false],
];

const fixedCompanyNames = [
  'Smith & Jones',
  'Müller Bäckerei GmbH',
  '株式会社テスト',
  'Acme Corporation',
  'ACME Corp.',
  'Acme Corporation',
  "O'Brien & Sons, Ltd.",
  'Café Zürich S.A.',
];
const nameStems = [
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Tailspin',
  'Litware',
  'Adventure Works',
  'Blue Yonder',
  'Wingtip',
  'Proseware',
  'Lucerne',
  'Humongous',
  'Coho',
  'Alpine',
  'Fourth Coffee',
  'Margie',
  'Wide World',
  'Trey',
  'Bellows',
  'Graphic Design',
  'Southridge',
  'Datum',
  'Woodgrove',
  'Consolidated',
  'Tri-County',
  'Évora',
  'Łódź Logistyka',
  'Søren',
  'Ñandú',
  'Đà Nẵng',
  'Øresund',
  'Straße',
  'Kraków',
  'São Paulo',
  'Δέλτα',
  'Мир',
  '北京',
  'Ōsaka',
  'Dr. Patel',
  'St. Mary’s',
  'A+B',
  'Rock’n’Roll',
  '3M-ish',
  '24/7',
];
const nameMiddles = [
  '',
  ' Dental',
  ' Law',
  ' Medical',
  ' Accounting',
  ' Construction',
  ' Logistics',
  ' IT',
  ' Bakery',
  ' Hotels',
  ' & Partners',
  ' & Co',
  ' Group',
  ' Holdings',
  ' Services',
  ' Foundation',
  ' Clinic',
];
const legalSuffixes = [
  '',
  '',
  '',
  ' Inc.',
  ' Inc',
  ', Inc.',
  ' LLC',
  ' L.L.C.',
  ' Ltd',
  ' Ltd.',
  ' GmbH',
  ' GmbH & Co. KG',
  ' S.A.',
  ' Pty Ltd',
  ' B.V.',
  ' AG',
  ' plc',
  ' SARL',
  ' K.K.',
  ' Corp.',
];
const cities: Array<[string, string, string, number, string, string]> = [
  ['Tampa', 'FL', '33602', 1, 'US', 'United States'],
  ['Austin', 'TX', '78701', 1, 'US', 'United States'],
  ['Toronto', 'ON', 'M5H 2N2', 2, 'CA', 'Canada'],
  ['München', 'BY', '80331', 3, 'DE', 'Germany'],
  ['London', '', 'EC1A 1BB', 4, 'GB', 'United Kingdom'],
  ['Sydney', 'NSW', '2000', 5, 'AU', 'Australia'],
  ['東京', '', '100-0001', 6, 'JP', 'Japan'],
  ['Zürich', 'ZH', '8001', 7, 'CH', 'Switzerland'],
];
const firstNames = [
  'Alex',
  'Maria',
  'José',
  'Zoë',
  'Jürgen',
  'Anaïs',
  'Siobhán',
  'Mohammed',
  'Wei',
  'Yuki',
  'Olga',
  'Priya',
  'Chris',
  'Sam',
  'Jean-Luc',
  "D'Arcy",
  'Björn',
  'Ngọc',
  'Kim',
  'Pat',
  'Front',
  'Accounts',
  'IT',
];
const lastNames = [
  'Smith',
  'Müller',
  'García',
  "O'Connor",
  'Nguyễn',
  'van der Berg',
  'Kowalski',
  'Tanaka',
  'Smith-Jones',
  'Øberg',
  'Dubois',
  'Patel',
  'Li',
  'Johnson',
  'de la Cruz',
  'MacDonald',
];
const titles = [
  'Owner',
  'Office Manager',
  'IT Contact',
  'CFO',
  'Receptionist',
  'Operations Manager',
  'Director',
];
const manufacturers: ManageReference[] = [
  { id: 1, name: 'Dell' },
  { id: 2, name: 'HP' },
  { id: 3, name: 'Lenovo' },
  { id: 4, name: 'Cisco' },
  { id: 5, name: 'Ubiquiti' },
  { id: 6, name: 'Fortinet' },
  { id: 7, name: 'Microsoft' },
  { id: 8, name: 'Synology' },
];
const osTypes = [
  'Windows Server 2019',
  'Windows Server 2022',
  'Windows 11 Pro',
  'Windows 10 Pro',
  'Ubuntu 22.04',
  'macOS 14',
  'FortiOS 7.2',
];
const longNoteParagraph =
  'Installed by the previous provider; admin password is in the vault under "legacy". Do NOT reboot during ' +
  'business hours (07:00–19:00 local) — the accounting package holds file locks. Vendor ticket #48213 is ' +
  'still open for the intermittent RAID warning; replacement disk ordered 2023‑04‑02. ';

interface CompanyPlan {
  company: ManageCompany;
  ref: ManageCompanyReference;
  firstConfigurationId: number;
  configurationCount: number;
  firstContactId: number;
  contactCount: number;
}

function guid(random: Random): string {
  const hex = (n: number) => Array.from({ length: n }, () => random.int(0, 15).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${random.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
}

/** Splits `total` into `parts` uneven non-negative integers (heavy-tailed), summing exactly to `total`. */
function distribute(total: number, parts: number, random: Random): number[] {
  const weights = Array.from({ length: parts }, () => {
    const roll = random.next();
    if (roll < 0.08) return 0; // some companies have nothing
    return roll < 0.85 ? 0.5 + random.next() : 3 + random.next() * 6; // a few big customers
  });
  const sum = weights.reduce((a, b) => a + b, 0) || 1;
  const exact = weights.map((w) => (w / sum) * total);
  const counts = exact.map(Math.floor);
  let remaining = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((value, index) => ({ index, rest: value - Math.floor(value) }))
    .sort((a, b) => b.rest - a.rest || a.index - b.index);
  for (let i = 0; remaining > 0; i = (i + 1) % byRemainder.length, remaining--) {
    const entry = byRemainder[i];
    if (entry) counts[entry.index] = (counts[entry.index] ?? 0) + 1;
  }
  return counts;
}

function identifierFrom(name: string, taken: Set<string>): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '')
    .toUpperCase()
    .slice(0, 20);
  const base = ascii.length >= 2 ? ascii : 'CO';
  let identifier = base;
  for (let n = 2; taken.has(identifier.toLowerCase()); n++) identifier = `${base}${n}`;
  taken.add(identifier.toLowerCase());
  return identifier;
}

export function manageDataset(options: ManageDatasetOptions): ManageDataset {
  const size = options.size;
  const seed = options.seed ?? 1;
  const counts = manageDatasetSizes[size];
  const href = options.hrefBase ?? 'https://api-na.myconnectwise.net/v4_6_release//apis/3.0';
  const updatedBy = options.updatedBy ?? 'ApiMember';
  const rootRandom = (label: string) => new Random(`${String(seed)}:${size}:${label}`);
  const info = (lastUpdated: number, links: ManageInfo = {}): ManageInfo => ({
    lastUpdated: manageDate(lastUpdated),
    updatedBy,
    ...links,
  });
  const setupDate = DATASET_EPOCH - 30 * 24 * 3600 * 1000;

  const companyStatuses: ManageCompanyStatus[] = companyStatusSeed.map(([name, flags], i) => ({
    id: i + 1,
    name,
    defaultFlag: false,
    inactiveFlag: false,
    notifyFlag: false,
    disallowSavingFlag: false,
    customNoteFlag: false,
    cancelOpenTracksFlag: false,
    ...flags,
    _info: info(setupDate),
  }));
  const configurationTypes: ManageConfigurationType[] = configurationTypeSeed.map(([name, inactive], i) => ({
    id: i + 1,
    name,
    inactiveFlag: inactive,
    systemFlag: false,
    _info: info(setupDate),
  }));
  const configurationStatuses: ManageConfigurationStatus[] = configurationStatusSeed.map(
    ([description, closedFlag, defaultFlag], i) => ({
      id: i + 1,
      description,
      closedFlag,
      defaultFlag,
      _info: info(setupDate),
    }),
  );
  const statusRef = (status: ManageCompanyStatus): ManageReference => ({
    id: status.id,
    name: status.name,
    _info: { status_href: `${href}/company/companies/statuses/${status.id}` },
  });

  // Companies: eager (they are few). Ids have gaps, as real ids do.
  const random = rootRandom('companies');
  const configurationCounts = distribute(
    counts.configurations,
    counts.companies,
    rootRandom('configurations'),
  );
  const contactCounts = distribute(counts.contacts, counts.companies, rootRandom('contacts'));
  const taken = new Set<string>();
  const plans: CompanyPlan[] = [];
  const planById = new Map<number, CompanyPlan>();
  let nextConfigurationId = MANAGE_FIRST_CONFIGURATION_ID;
  let nextContactId = MANAGE_FIRST_CONTACT_ID;
  const activeStatus = companyStatuses[0] as ManageCompanyStatus;
  for (let i = 0; i < counts.companies; i++) {
    const id = 250 + i * 3 + random.int(0, 2);
    const fixed = fixedCompanyNames[i];
    let name: string;
    if (fixed !== undefined) name = fixed;
    else if (i > 10 && random.chance(0.05)) {
      // an exact or near duplicate of an earlier company
      const earlier = plans[random.int(0, plans.length - 1)]?.company.name ?? 'Duplicate';
      name = random.pick([
        earlier,
        earlier.toUpperCase(),
        `${earlier} `,
        earlier.replace(/\.$/, ''),
        `${earlier} (old)`,
      ]);
    } else {
      name = `${random.pick(nameStems)}${random.pick(nameMiddles)}${random.pick(legalSuffixes)}`;
    }
    name = name.slice(0, 50);
    const identifier = identifierFrom(name, taken);
    const lastUpdated = DATASET_EPOCH + Math.floor(random.next() * DATASET_SPAN_MS);
    const roll = random.next();
    const status = roll < 0.78 ? activeStatus : (random.pick(companyStatuses) as ManageCompanyStatus);
    const [city, state, zip, countryId, countryCode, countryName] = random.pick(cities);
    const deleted = i >= fixedCompanyNames.length && random.chance(0.04);
    const company: ManageCompany = {
      id,
      identifier,
      name,
      status: statusRef(status),
      ...(random.chance(0.9)
        ? {
            addressLine1: `${random.int(1, 9999)} ${random.pick(['Main St', 'Hauptstraße', 'Rue de la Paix', 'High Street', '1-1 Marunouchi'])}`,
          }
        : {}),
      ...(random.chance(0.15) ? { addressLine2: `Suite ${random.int(100, 999)}` } : {}),
      city,
      ...(state ? { state } : {}),
      zip,
      country: {
        id: countryId,
        identifier: countryCode,
        name: countryName,
        _info: { country_href: `${href}/company/countries/${countryId}` },
      },
      ...(random.chance(0.85) ? { phoneNumber: String(random.int(2_000_000_000, 9_999_999_999)) } : {}),
      ...(random.chance(0.6) ? { website: `https://www.${identifier.toLowerCase()}.example` } : {}),
      territory: { id: 1, name: 'Main', _info: { location_href: `${href}/system/locations/1` } },
      market: {
        id: 1,
        name: 'Small Business',
        _info: { Market_href: `${href}/company/marketDescriptions/1` },
      },
      ...(random.chance(0.3) ? { accountNumber: `AC-${random.int(10000, 99999)}` } : {}),
      dateAcquired: manageDate(lastUpdated - random.int(0, 400) * 24 * 3600 * 1000),
      leadFlag: false,
      unsubscribeFlag: false,
      deletedFlag: deleted,
      ...(deleted ? { dateDeleted: manageDate(lastUpdated), deletedBy: updatedBy } : {}),
      mobileGuid: guid(random),
      isVendorFlag: random.chance(0.05),
      types: [
        random.chance(0.9)
          ? { id: 1, name: 'Customer', _info: { type_href: `${href}/company/companies/types/1` } }
          : { id: 2, name: 'Prospect', _info: { type_href: `${href}/company/companies/types/2` } },
      ],
      site: {
        id: 1000 + i,
        name: 'Main',
        _info: { site_href: `${href}/company/companies/${id}/sites/${1000 + i}` },
      },
      _info: info(lastUpdated, {
        sites_href: `${href}/company/companies/${id}/sites`,
        contacts_href: `${href}/company/contacts?conditions=company/id=${id}`,
        configurations_href: `${href}/company/configurations?conditions=company/id=${id}`,
        notes_href: `${href}/company/companies/${id}/notes`,
      }),
    };
    const ref: ManageCompanyReference = {
      id,
      identifier,
      name,
      _info: { company_href: `${href}/company/companies/${id}` },
    };
    const plan: CompanyPlan = {
      company,
      ref,
      firstConfigurationId: nextConfigurationId,
      configurationCount: configurationCounts[i] ?? 0,
      firstContactId: nextContactId,
      contactCount: contactCounts[i] ?? 0,
    };
    nextConfigurationId += plan.configurationCount;
    nextContactId += plan.contactCount;
    plans.push(plan);
    planById.set(id, plan);
  }

  const contactAt = (plan: CompanyPlan, index: number): ManageContact => {
    const id = plan.firstContactId + index;
    const r = rootRandom(`contact:${id}`);
    const firstName = r.pick(firstNames);
    const hasLastName = r.chance(0.88);
    const lastName = hasLastName ? r.pick(lastNames) : undefined;
    const domain = `${plan.company.identifier.toLowerCase()}.example`;
    const items: ManageContactCommunicationItem[] = [];
    const emailRoll = r.next();
    if (emailRoll < 0.12) {
      // no e-mail at all
    } else if (emailRoll < 0.25) {
      items.push(emailItem(id * 10, `info@${domain}`, domain)); // shared within the company
    } else if (emailRoll < 0.3) {
      items.push(emailItem(id * 10, 'admin@gmail.example', '@gmail.example')); // shared across companies
    } else {
      const local = `${firstName}.${lastName ?? 'x'}`
        .normalize('NFKD')
        .replace(/[^A-Za-z0-9.]/g, '')
        .toLowerCase();
      items.push(emailItem(id * 10, `${local}@${domain}`, domain));
    }
    const phone = r.chance(0.7) ? String(r.int(2_000_000_000, 9_999_999_999)) : undefined;
    if (phone) {
      items.push({
        id: id * 10 + 1,
        type: { id: 2, name: 'Direct' },
        value: phone,
        ...(r.chance(0.2) ? { extension: String(r.int(100, 999)) } : {}),
        defaultFlag: true,
        communicationType: 'Phone',
      });
    }
    return {
      id,
      firstName,
      ...(lastName !== undefined ? { lastName } : {}),
      company: plan.ref,
      site: r.chance(0.5) ? { id: 1000 + plans.indexOf(plan), name: 'Main' } : {},
      inactiveFlag: r.chance(0.1),
      ...(r.chance(0.7) ? { title: r.pick(titles) } : {}),
      marriedFlag: false,
      childrenFlag: false,
      portalSecurityLevel: r.int(1, 6),
      disablePortalLoginFlag: r.chance(0.5),
      unsubscribeFlag: r.chance(0.05),
      mobileGuid: guid(r),
      ...(phone ? { defaultPhoneType: 'Direct', defaultPhoneNbr: phone } : {}),
      defaultBillingFlag: index === 0,
      defaultFlag: index === 0,
      companyLocation: {},
      communicationItems: items,
      types: [],
      ignoreDuplicates: false,
      _info: info(DATASET_EPOCH + Math.floor(r.next() * DATASET_SPAN_MS), {
        communications_href: `${href}/company/contacts/${id}/communications`,
        notes_href: `${href}/company/contacts/${id}/notes`,
        configurations_href: `${href}/company/configurations?conditions=contact/id=${id}`,
      }),
    };
  };

  const configurationAt = (plan: CompanyPlan, index: number): ManageConfiguration => {
    const id = plan.firstConfigurationId + index;
    const r = rootRandom(`configuration:${id}`);
    const type = r.pick(configurationTypes);
    const status = r.chance(0.85)
      ? (configurationStatuses[0] as ManageConfigurationStatus)
      : r.pick(configurationStatuses);
    const manufacturer = r.pick(manufacturers);
    const contactIndex = plan.contactCount > 0 && r.chance(0.4) ? r.int(0, plan.contactCount - 1) : undefined;
    const contact = contactIndex !== undefined ? contactAt(plan, contactIndex) : undefined;
    const hostname = `${plan.company.identifier.slice(0, 6)}-${type.name
      .replace(/[^A-Za-z]/g, '')
      .slice(0, 4)
      .toUpperCase()}${String(index + 1).padStart(3, '0')}`;
    const name = r.chance(0.05)
      ? `${hostname} (old)`
      : r.chance(0.03)
        ? `${hostname} – Müller’s PC`
        : hostname;
    const installed = DATASET_EPOCH - r.int(0, 1500) * 24 * 3600 * 1000;
    const noteRoll = r.next();
    const notes =
      noteRoll < 0.05
        ? longNoteParagraph.repeat(r.int(4, 12))
        : noteRoll < 0.3
          ? 'Checked during onboarding.'
          : undefined;
    return {
      id,
      name,
      type: {
        id: type.id,
        name: type.name,
        _info: { type_href: `${href}/company/configurations/types/${type.id}` },
      },
      status: {
        id: status.id,
        name: status.description,
        _info: { status_href: `${href}/company/configurations/statuses/${status.id}` },
      },
      company: plan.ref,
      ...(contact
        ? {
            contact: {
              id: contact.id,
              name: `${contact.firstName}${contact.lastName ? ` ${contact.lastName}` : ''}`,
              _info: { contact_href: `${href}/company/contacts/${contact.id}` },
            },
          }
        : {}),
      ...(plan.company.site ? { site: plan.company.site } : {}),
      locationId: 1,
      businessUnitId: 10,
      ...(r.chance(0.8) ? { serialNumber: `SN${r.int(100000, 999999)}${r.pick(['A', 'B', 'X', ''])}` } : {}),
      ...(r.chance(0.6)
        ? { modelNumber: `${manufacturer.name.slice(0, 2).toUpperCase()}-${r.int(100, 9999)}` }
        : {}),
      ...(r.chance(0.3) ? { tagNumber: `TAG${r.int(1000, 9999)}` } : {}),
      purchaseDate: manageDate(installed - 7 * 24 * 3600 * 1000),
      installationDate: manageDate(installed),
      ...(r.chance(0.7)
        ? { warrantyExpirationDate: manageDate(installed + 3 * 365 * 24 * 3600 * 1000) }
        : {}),
      ...(notes !== undefined ? { notes } : {}),
      ...(r.chance(0.5)
        ? {
            macAddress: Array.from({ length: 6 }, () => r.int(0, 255).toString(16).padStart(2, '0'))
              .join(':')
              .toUpperCase(),
          }
        : {}),
      ...(r.chance(0.5) ? { ipAddress: `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}` } : {}),
      ...(r.chance(0.6) ? { osType: r.pick(osTypes) } : {}),
      ...(contact
        ? { lastLoginName: `${plan.company.identifier.slice(0, 6)}\\${contact.firstName.toLowerCase()}` }
        : {}),
      billFlag: r.chance(0.3),
      manufacturer: {
        id: manufacturer.id,
        name: manufacturer.name,
        _info: { manufacturer_href: `${href}/procurement/manufacturers/${manufacturer.id}` },
      },
      questions: [],
      activeFlag: !status.closedFlag,
      mobileGuid: guid(r),
      displayVendorFlag: false,
      showRemoteFlag: false,
      showAutomateFlag: false,
      needsRenewalFlag: false,
      _info: info(DATASET_EPOCH + Math.floor(r.next() * DATASET_SPAN_MS)),
    };
  };

  const planOf = (company: ManageCompany | number): CompanyPlan => {
    const id = typeof company === 'number' ? company : company.id;
    const plan = planById.get(id);
    if (!plan) throw new Error(`company ${id} is not in this dataset`);
    return plan;
  };

  return {
    size,
    seed,
    counts,
    companyStatuses,
    configurationTypes,
    configurationStatuses,
    companies: plans.map((p) => p.company),
    *configurationsOf(company) {
      const plan = planOf(company);
      for (let i = 0; i < plan.configurationCount; i++) yield configurationAt(plan, i);
    },
    *contactsOf(company) {
      const plan = planOf(company);
      for (let i = 0; i < plan.contactCount; i++) yield contactAt(plan, i);
    },
    *configurations() {
      for (const plan of plans)
        for (let i = 0; i < plan.configurationCount; i++) yield configurationAt(plan, i);
    },
    *contacts() {
      for (const plan of plans) for (let i = 0; i < plan.contactCount; i++) yield contactAt(plan, i);
    },
  };
}

function emailItem(id: number, value: string, domain: string): ManageContactCommunicationItem {
  return {
    id,
    type: { id: 1, name: 'Email' },
    value,
    defaultFlag: true,
    domain: domain.startsWith('@') ? domain : `@${domain}`,
    communicationType: 'Email',
  };
}
